// Conversions between the sidestream.v1 protos and the engine's domain types.
// Stateless functions; thread-safe.
#pragma once

#include "graph/graph.h"
#include "graph/plan.h"
#include "runtime/record.h"
#include "sidestream/v1/pipeline.pb.h"
#include "sidestream/v1/session.pb.h"

namespace sidestream::rpc {

graph::PipelineSpec FromProto(const v1::Pipeline& p);
void ToProto(const graph::Plan& plan, v1::CompiledPlan* out);

serde::Payload FromProto(const v1::Payload& p);
void ToProto(const serde::Payload& p, v1::Payload* out);

runtime::ErrorInfo FromProto(const v1::Error& e);
void ToProto(const runtime::ErrorInfo& e, v1::Error* out);

void ToProto(const runtime::MessageMeta& m, v1::MessageContext* out);
runtime::MessageMeta FromProto(const v1::MessageContext& c);

// Converts one client result; the outcome kind follows the oneof.
runtime::RecordOutcome FromProto(const v1::RecordResult& r);

}  // namespace sidestream::rpc
