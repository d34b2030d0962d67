// The outbox delivery thread.
#include "delivery.hpp"

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
  auto batch = service_.store().claim_outbox(25, now, now - 60'000, retry_step_ms_);
  for (const OutboxMessage& m : batch) {
    // An invitation replaced or deleted after it was queued is not sent: its link is dead.
    if (m.invitation.valid()) {
      const bool live = service_.read([&](const State& s) {
        const Invitation* inv = s.invitation(m.invitation);
        return inv && (inv->status == InvitationStatus::kPending ||
                       inv->status == InvitationStatus::kFailed ||
                       inv->status == InvitationStatus::kSent);
      });
      if (!live) {
        service_.store().outbox_failed(m.id, "withdrawn: the invitation was replaced or its account deleted",
                                       true, service_.now());
        continue;
      }
    }
    const auto error = mailer_.send(m, service_.now());
    if (!error) {
      service_.store().outbox_sent(m.id, service_.now());
      if (m.invitation.valid()) report(service_.run_system(RecordInvitationSent{m.invitation}), m);
      continue;
    }
    const bool final = error->permanent || m.attempts + 1 >= kMaxAttempts;
    service_.store().outbox_failed(m.id, error->message, final, service_.now());
    std::fprintf(stderr, "linedesk-server: mail %lld to %s: %s%s\n",
                 static_cast<long long>(m.id), m.to.c_str(), error->message.c_str(),
                 final ? " (giving up)" : " (will retry)");
    if (final && m.invitation.valid()) {
      report(service_.run_system(RecordInvitationFailed{m.invitation, error->message}), m);
    }
  }
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
