// The outbox delivery thread.
#include "delivery.hpp"

#include <chrono>
#include <cstdio>

namespace linedesk::server {
namespace {

// A delivery result the state no longer accepts (the account was deleted meanwhile) is logged.
void report(const Result<Changes>& r, const OutboxMessage& m) {
  if (!r) {
    std::fprintf(stderr, "linedesk-server: mail %lld: %s\n", static_cast<long long>(m.id),
                 r.error().message.c_str());
  }
}

}  // namespace

DeliveryWorker::DeliveryWorker(Service& service, Mailer& mailer, std::int64_t retry_step_ms)
    : service_(service), mailer_(mailer), retry_step_ms_(retry_step_ms) {}

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

int DeliveryWorker::run_once() {
  const std::int64_t now = service_.now();
  // Messages claimed by a worker that died a minute ago are claimed again.
  const auto batch = service_.store().claim_outbox(kRoundSize, now, now - 60'000, retry_step_ms_);
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
  // for many messages, and after a crash only the last moments' mail can go out twice.
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
    } else if (const auto error = mailer_.send(m, service_.now()); !error) {
      outcomes.push_back(OutboxOutcome{m.id, true, "", true, service_.now()});
      if (m.invitation.valid()) {
        commands.emplace_back(RecordInvitationSent{m.invitation});
        reported.push_back(&m);
      }
    } else {
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
  while (!stop_) {
    try {
      while (!stop_ && run_once() > 0) {
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "linedesk-server: mail delivery: %s\n", e.what());
    }
    std::unique_lock lock(mutex_);
    // Retries and stale claims are picked up at least every second.
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return pending_ || stop_.load(); });
    pending_ = false;
  }
}

}  // namespace linedesk::server
