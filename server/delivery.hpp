// DeliveryWorker: a thread that sends the outbox — claims pending messages, hands them to the
// mailer, and reports invitations' results back as the server's own commands so accounts show
// "Invitation Failed" when mail cannot be delivered. Each message reaches its recipient at most
// once, whenever the server is killed (see Store's outbox).
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "mail.hpp"
#include "service.hpp"

namespace linedesk::server {

class DeliveryWorker {
 public:
  static constexpr int kMaxAttempts = 3;
  // Messages claimed per round, and the longest a sent message waits to be recorded as sent.
  static constexpr int kRoundSize = 100;
  static constexpr int kFlushMs = 100;

  // A failed message waits attempts x `retry_step_ms` before the next try.
  DeliveryWorker(Service& service, Mailer& mailer, std::int64_t retry_step_ms = 5000);
  ~DeliveryWorker();
  void start();
  void stop();
  // Wakes the worker (after a commit that queued mail).
  void notify();
  // Sends what is pending now, on the calling thread; returns how many were handled. Each call
  // first takes back the claims nobody will finish (at the first, every other worker's: they
  // stopped with their process).
  int run_once();

 private:
  void loop();
  // Takes back the claims nobody will finish (Store::recover_outbox_claims) and records those
  // that were handed over as sent.
  void recover(std::int64_t others_before_ms);

  Service& service_;
  Mailer& mailer_;
  std::int64_t retry_step_ms_;
  std::string worker_;  // names this worker's claims
  bool recovered_ = false;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;
  std::atomic<bool> stop_{false};
};

}  // namespace linedesk::server
