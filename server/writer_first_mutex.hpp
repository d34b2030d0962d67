// A shared mutex that lets a waiting writer in before new readers.
//
// std::shared_mutex on glibc prefers readers: with many requests reading at once (the load
// test's 50 clients), their shared locks overlap without a gap and a sync push waits behind
// them for a second and more. pthread's writer-preferring kind makes new readers queue behind
// a waiting writer. It is not recursive for readers: a thread must not take a shared lock it
// already holds (a writer queued in between would wait for it, and it for the writer).
#pragma once

#include <pthread.h>

#include <system_error>

namespace linedesk::server {

class WriterFirstMutex {
 public:
  WriterFirstMutex() {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    const int rc = pthread_rwlock_init(&lock_, &attr);
    pthread_rwlockattr_destroy(&attr);
    if (rc != 0) throw std::system_error(rc, std::generic_category(), "pthread_rwlock_init");
  }
  ~WriterFirstMutex() { pthread_rwlock_destroy(&lock_); }
  WriterFirstMutex(const WriterFirstMutex&) = delete;
  WriterFirstMutex& operator=(const WriterFirstMutex&) = delete;

  void lock() { check(pthread_rwlock_wrlock(&lock_)); }
  bool try_lock() { return pthread_rwlock_trywrlock(&lock_) == 0; }
  void unlock() { pthread_rwlock_unlock(&lock_); }
  void lock_shared() { check(pthread_rwlock_rdlock(&lock_)); }
  bool try_lock_shared() { return pthread_rwlock_tryrdlock(&lock_) == 0; }
  void unlock_shared() { pthread_rwlock_unlock(&lock_); }

 private:
  static void check(int rc) {
    if (rc != 0) throw std::system_error(rc, std::generic_category(), "pthread_rwlock");
  }
  pthread_rwlock_t lock_;
};

}  // namespace linedesk::server
