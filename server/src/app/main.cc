// sidestreamd: wires options, logging, the gRPC server (sidestream.v1,
// health checking, reflection) and signal handling.
//
// Threading: SIGTERM/SIGINT are blocked in every thread and received by the
// main thread with sigwait(); gRPC runs its own thread pool; each pipeline
// runs on its session's thread.
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include "common/log.h"
#include "config/server_options.h"
#include "kafka/consumer.h"
#include "metrics/http_server.h"
#include "rpc/service.h"

namespace {
constexpr char kVersion[] = "sidestreamd 0.1.0 (protocol sidestream.v1)";
}

int main(int argc, char** argv) {
  using sidestream::common::LogLevel;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = sidestream::config::ParseServerOptions(args);
  if (!parsed.ok()) {
    std::fprintf(stderr, "sidestreamd: %s\n", std::string(parsed.status().message()).c_str());
    return 2;
  }
  if (parsed->show_help) {
    std::fputs(sidestream::config::HelpText().c_str(), stdout);
    return 0;
  }
  if (parsed->show_version) {
    std::puts(kVersion);
    return 0;
  }
  const sidestream::config::ServerOptions options = parsed->options;
  sidestream::common::SetLogLevel(options.log_level);
  sidestream::common::SetLogFormat(options.log_format);

  // Block the stop signals before any thread starts so that only sigwait sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  sidestream::rpc::SidestreamService service(&options);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(), &bound_port);
  builder.RegisterService(&service);
  builder.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  builder.SetMaxSendMessageSize(64 * 1024 * 1024);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    SS_LOG(kError, "server.listen_failed").Kv("listen", options.listen);
    return 1;
  }
  std::unique_ptr<sidestream::metrics::HttpServer> metrics_server;
  if (!options.metrics_listen.empty()) {
    auto m = sidestream::metrics::HttpServer::Start(options.metrics_listen,
                                                    [&service] { return service.RenderMetrics(); });
    if (!m.ok()) {
      SS_LOG(kError, "metrics.listen_failed").Kv("error", m.status().message());
      return 1;
    }
    metrics_server = std::move(*m);
  }
  // Health: SERVING only while the default broker answers (a sidecar that
  // cannot reach Kafka cannot accept pipelines). Checked now and every 10 s.
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  std::atomic<bool> stopping{false};
  std::mutex health_mu;
  std::condition_variable health_cv;
  auto check_broker = [&options, health, &stopping] {
    absl::Status s = sidestream::kafka::CheckBrokerReachable(options.broker, {}, std::chrono::seconds(5));
    if (!stopping.load()) health->SetServingStatus(s.ok());
    return s;
  };
  health->SetServingStatus(false);
  if (absl::Status s = check_broker(); !s.ok()) {
    SS_LOG(kWarning, "health.broker_unreachable").Kv("broker", options.broker).Kv("error", s.message());
  }
  std::thread health_thread([&] {
    bool was_ok = true;
    std::unique_lock<std::mutex> lock(health_mu);
    while (!health_cv.wait_for(lock, std::chrono::seconds(10), [&] { return stopping.load(); })) {
      lock.unlock();
      absl::Status s = check_broker();
      if (s.ok() != was_ok) {
        sidestream::common::LogLine(
            s.ok() ? sidestream::common::LogLevel::kInfo : sidestream::common::LogLevel::kWarning,
            "health.changed")
            .Kv("serving", s.ok())
            .Kv("broker", options.broker)
            .Kv("error", s.message());
        was_ok = s.ok();
      }
      lock.lock();
    }
  });
  SS_LOG(kInfo, "server.started")
      .Kv("listen", options.listen)
      .Kv("metrics", options.metrics_listen.empty() ? "off" : options.metrics_listen)
      .Kv("broker", options.broker)
      .Kv("state_dir", options.state_dir)
      .Kv("version", kVersion);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  SS_LOG(kInfo, "server.stopping").Kv("signal", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  {
    std::lock_guard<std::mutex> lock(health_mu);
    stopping.store(true);
  }
  health_cv.notify_all();
  health_thread.join();
  health->SetServingStatus(false);
  // A second signal during the drain stops at once.
  std::thread([&stop_signals] {
    int again = 0;
    sigwait(&stop_signals, &again);
    SS_LOG(kWarning, "server.forced_exit");
    std::_Exit(1);
  }).detach();
  service.Shutdown(options.shutdown_timeout);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
  server->Wait();
  if (metrics_server) metrics_server->Stop();
  SS_LOG(kInfo, "server.stopped");
  return 0;
}
