// The gRPC service sidestream.v1.Sidestream: Connect sessions, Validate and
// DryRun. Keeps the set of live sessions so a server stop can drain them.
//
// Threading: gRPC's synchronous server calls the handlers on its thread pool;
// each Connect call owns its handler thread for the life of the session.
// The session registry is guarded by mu_. Shutdown() may be called from any
// thread; the service must outlive the grpc::Server.
#pragma once

#include <chrono>
#include <mutex>
#include <map>
#include <set>

#include "config/server_options.h"
#include "rpc/session.h"
#include "sidestream/v1/service.grpc.pb.h"

namespace sidestream::rpc {

class SidestreamService final : public v1::Sidestream::Service {
 public:
  // `options` must outlive the service.
  explicit SidestreamService(const config::ServerOptions* options);

  grpc::Status Connect(grpc::ServerContext* context, Stream* stream) override;
  grpc::Status Validate(grpc::ServerContext* context, const v1::ValidateRequest* request,
                        v1::ValidateResponse* response) override;
  grpc::Status DryRun(grpc::ServerContext* context, const v1::DryRunRequest* request,
                      v1::DryRunResponse* response) override;
  grpc::Status ClearState(grpc::ServerContext* context, const v1::ClearStateRequest* request,
                          v1::ClearStateResponse* response) override;

  // Refuses new sessions, asks live ones to stop gracefully, waits until they
  // finish or `timeout` passes, then force-closes the rest.
  void Shutdown(std::chrono::milliseconds timeout);
  size_t session_count();
  // Prometheus text exposition of every live pipeline's metrics.
  std::string RenderMetrics();

 private:
  const config::ServerOptions* options_;
  std::mutex mu_;
  std::set<Session*> sessions_;  // guarded by mu_
  // Metrics counters per (consumer group, source topic); they outlive
  // sessions so counts keep growing across reconnects.
  std::map<std::pair<std::string, std::string>, std::shared_ptr<runtime::PipelineCounters>>
      counters_;  // guarded by mu_
  bool shutting_down_ = false;   // guarded by mu_
};

}  // namespace sidestream::rpc
