// The outbox delivery thread.
#include "delivery.hpp"

#include <chrono>
#include <cstdio>
#include <limits>

#include "auth.hpp"

namespace linedesk::server {
namespace {

// The note on a message found handed over but without an outcome after a crash.
constexpr std::string_view kUnconfirmed =
    "unconfirmed: the server stopped while handing this message to the relay; it was not sent "
    "again";

// A delivery result the state no longer accepts (the account was deleted meanwhile) is logged.
void report(const Result<Changes>& r, const OutboxMessage& m) {
  if (!r) {
    std::fprintf(stderr, "linedesk-server: mail %lld: %s\n", static_cast<long long>(m.id),
                 r.error().message.c_str());
  }
}

}  // namespace

DeliveryWorker::DeliveryWorker(Service& service, Mailer& mailer, std::int64_t retry_step_ms)
    : service_(service),
      mailer_(mailer),
      retry_step_ms_(retry_step_ms),
      worker_("worker-" + new_session_token()) {}

DeliveryWorker::~DeliveryWorker() { stop(); }

void DeliveryWorker::start() {
  stop_ = false;
  thread_ = std::thread([this] { loop(); });
}

void DeliveryWorker::stop() {
  stop_ = true;
  notify();
  if (thread_.joinable()) thread_.join();
}

void DeliveryWorker::notify() {
  {
    std::lock_guard lock(mutex_);
    pending_ = true;
  }
  wake_.notify_one();
}

void DeliveryWorker::recover(std::int64_t others_before_ms) {
  const auto handed_over = service_.store().recover_outbox_claims(worker_, others_before_ms);
  if (handed_over.empty()) return;
  // Those the relay confirmed are sent. The others it may or may not have: they count as sent,
  // with a note, and are not sent again.
  std::vector<OutboxOutcome> outcomes;
  std::vector<CommandArgs> commands;
  std::vector<const OutboxMessage*> reported;
  std::size_t unconfirmed = 0;
  for (const OutboxMessage& m : handed_over) {
    const bool confirmed = m.confirmed_ms > 0;
    unconfirmed += confirmed ? 0 : 1;
    outcomes.push_back(OutboxOutcome{m.id, true, confirmed ? "" : std::string(kUnconfirmed), true,
                                     confirmed ? m.confirmed_ms : service_.now()});
    if (m.invitation.valid()) {
      commands.emplace_back(RecordInvitationSent{m.invitation});
      reported.push_back(&m);
    }
  }
  const auto results = service_.record_deliveries(commands, outcomes);
  for (std::size_t i = 0; i < results.size(); ++i) report(results[i], *reported[i]);
  if (unconfirmed > 0) {
    std::fprintf(stderr,
                 "linedesk-server: %zu message(s) were being handed to the mail relay when the "
                 "server stopped; they are marked sent (unconfirmed) and not sent again.\n",
                 unconfirmed);
  }
}

int DeliveryWorker::run_once() {
  const std::int64_t now = service_.now();
  // Claims nobody will finish: this worker's own from a round that failed (a full disk), and
  // other workers': at the first round all of them on SQLite (one server process per file, so
  // they died with theirs), otherwise those a minute old. Where several processes share the
  // database, a younger claim may be a live worker's; taking it would still send nothing twice
  // (a hand-over needs the claim), but it would report that worker's message for it.
  const bool first_alone = !recovered_ && !service_.store().shared();
  recover(first_alone ? std::numeric_limits<std::int64_t>::max() : now - 60'000);
  recovered_ = true;
  const auto batch = service_.store().claim_outbox(worker_, kRoundSize, now, retry_step_ms_);
  if (batch.empty()) return 0;
  // An invitation replaced or deleted after it was queued is not sent: its link is dead.
  const std::vector<bool> live = service_.read([&batch](const State& s) {
    std::vector<bool> out;
    out.reserve(batch.size());
    for (const OutboxMessage& m : batch) {
      const Invitation* inv = m.invitation.valid() ? s.invitation(m.invitation) : nullptr;
      out.push_back(!m.invitation.valid() ||
                    (inv && (inv->status == InvitationStatus::kPending ||
                             inv->status == InvitationStatus::kFailed ||
                             inv->status == InvitationStatus::kSent)));
    }
    return out;
  });
  // Outcomes are recorded together, at most kFlushMs after the first of them: one transaction
  // for many messages. Each message was recorded as handed over before the relay could take it,
  // so a crash before the outcome is written sends nothing twice.
  std::vector<OutboxOutcome> outcomes;
  std::vector<CommandArgs> commands;
  std::vector<const OutboxMessage*> reported;  // the message each command reports
  auto first_unrecorded = std::chrono::steady_clock::now();
  auto flush = [&] {
    if (outcomes.empty()) return;
    const auto results = service_.record_deliveries(commands, outcomes);
    for (std::size_t i = 0; i < results.size(); ++i) report(results[i], *reported[i]);
    outcomes.clear();
    commands.clear();
    reported.clear();
  };
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const OutboxMessage& m = batch[i];
    if (outcomes.empty()) first_unrecorded = std::chrono::steady_clock::now();
    if (!live[i]) {
      outcomes.push_back(OutboxOutcome{
          m.id, false, "withdrawn: the invitation was replaced or its account deleted", true,
          service_.now()});
      continue;
    }
    enum class HandOverState { kNotAsked, kRecorded, kLost, kFailed } hand_over = HandOverState::kNotAsked;
    const auto error = mailer_.send(m, service_.now(), [&] {
      // Runs inside the mailer (libcurl's callback): nothing may be thrown through it.
      try {
        hand_over = service_.store().hand_over_outbox(m.id, worker_, service_.now())
                        ? HandOverState::kRecorded
                        : HandOverState::kLost;
      } catch (const std::exception& e) {
        std::fprintf(stderr, "linedesk-server: mail %lld: %s\n", static_cast<long long>(m.id), e.what());
        hand_over = HandOverState::kFailed;
      }
      return hand_over == HandOverState::kRecorded;
    });
    if (hand_over == HandOverState::kLost) continue;  // another worker's claim now: its outcome
    if (!error) {
      // Said at once, as it is cheap: a crash before the round's outcomes are written then
      // leaves only the message in flight unconfirmed.
      try {
        service_.store().confirm_outbox(m.id, worker_, service_.now());
      } catch (const std::exception& e) {
        std::fprintf(stderr, "linedesk-server: mail %lld: %s\n", static_cast<long long>(m.id), e.what());
      }
      outcomes.push_back(OutboxOutcome{m.id, true, "", true, service_.now()});
      if (m.invitation.valid()) {
        commands.emplace_back(RecordInvitationSent{m.invitation});
        reported.push_back(&m);
      }
    } else {
      // Refused after the hand-over: the relay answered the end of the message with an error.
      const bool final = error->permanent || m.attempts + 1 >= kMaxAttempts;
      outcomes.push_back(OutboxOutcome{m.id, false, error->message, final, service_.now()});
      std::fprintf(stderr, "linedesk-server: mail %lld to %s: %s%s\n",
                   static_cast<long long>(m.id), m.to.c_str(), error->message.c_str(),
                   final ? " (giving up)" : " (will retry)");
      if (final && m.invitation.valid()) {
        commands.emplace_back(RecordInvitationFailed{m.invitation, error->message});
        reported.push_back(&m);
      }
    }
    if (std::chrono::steady_clock::now() - first_unrecorded >= std::chrono::milliseconds(kFlushMs)) {
      flush();
    }
  }
  flush();
  return static_cast<int>(batch.size());
}

void DeliveryWorker::loop() {
  std::string last_error;
  while (!stop_) {
    try {
      while (!stop_ && run_once() > 0) {
      }
      last_error.clear();
    } catch (const std::exception& e) {
      // Said once while it lasts (a full disk or a read-only database fails every round).
      if (last_error != e.what()) {
        last_error = e.what();
        std::fprintf(stderr, "linedesk-server: mail delivery: %s\n", e.what());
      }
    }
    std::unique_lock lock(mutex_);
    // Retries and stale claims are picked up at least every second.
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return pending_ || stop_.load(); });
    pending_ = false;
  }
}

}  // namespace linedesk::server
