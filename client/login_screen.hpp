// The sign-in screen: email, password, Sign in.
#pragma once

#include <string>

#include "ui.hpp"

namespace linedesk::client {

struct LoginForm {
  char email[256] = {};
  char password[256] = {};
  bool busy = false;
  bool focus_email = true;
  std::string error;        // shown under the form
  std::string error_field;  // "email", "password" or empty
};

enum class LoginIntent { kNone, kSubmit };

// Draws the form centred in the window. Returns kSubmit when the administrator pressed
// Sign in or Enter in the password field (never while busy).
LoginIntent draw_login_screen(const Ui& ui, LoginForm& form);

}  // namespace linedesk::client
