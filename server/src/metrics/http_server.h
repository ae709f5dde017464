// A minimal HTTP/1.0 server for Prometheus scraping: GET /metrics answers the
// text produced by a callback; GET /healthz answers "ok". Nothing else.
//
// Threading: one accept thread, one request at a time (scrapes are rare and
// small). Start() returns after binding; Stop() may be called from any thread
// and joins the thread. The callback runs on the server thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace sidestream::metrics {

class HttpServer {
 public:
  using Render = std::function<std::string()>;

  // Binds `listen` ("HOST:PORT"; port 0 picks one) and starts serving.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const std::string& listen, Render render);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  void Stop();

 private:
  HttpServer(int fd, int port, Render render);
  void Loop();

  const int fd_;
  const int port_;
  const Render render_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace sidestream::metrics
