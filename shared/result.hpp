// Expected failures as values: Result<T> holds either a T or an Error an administrator can read.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace linedesk {

// A failure the caller is expected to handle. `code` is a stable machine string
// (e.g. "number_taken"); `field` names the input at fault, or is empty; `message` is
// the sentence shown to the administrator.
struct Error {
  std::string code;
  std::string field;
  std::string message;

  bool operator==(const Error&) const = default;
};

inline Error make_error(std::string code, std::string field, std::string message) {
  return Error{std::move(code), std::move(field), std::move(message)};
}

// T or Error. Test with `if (result)`, then use value() or error(); accessing the wrong
// alternative is a programming error (std::get throws / aborts).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Error error) : data_(std::move(error)) {}      // NOLINT(google-explicit-constructor)

  explicit operator bool() const { return data_.index() == 0; }
  bool ok() const { return data_.index() == 0; }

  const T& value() const& { return std::get<0>(data_); }
  T& value() & { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  const Error& error() const { return std::get<1>(data_); }

  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const T& operator*() const { return value(); }

 private:
  std::variant<T, Error> data_;
};

// Success without a value, or Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)

  explicit operator bool() const { return ok_; }
  bool ok() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace linedesk
