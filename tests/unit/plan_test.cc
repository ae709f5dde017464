// Graph validation and compilation into segments.
#include "graph/plan.h"

#include <gtest/gtest.h>

#include "step_builders.h"

namespace sidestream::graph {
namespace {

using testing::Fn;

Step ToTopic(std::string id, std::string input, std::string topic, std::string key_fn = "") {
  Step s;
  s.id = std::move(id);
  s.input = std::move(input);
  s.kind = StepKind::kToTopic;
  s.topic = std::move(topic);
  if (!key_fn.empty()) s.key_function = FunctionRef{key_fn, false, ""};
  return s;
}

PipelineSpec Base() {
  PipelineSpec p;
  p.topics.push_back(TopicSpec{"in"});
  p.topics.push_back(TopicSpec{"out"});
  p.source_topic = "in";
  return p;
}

std::string ErrorOf(const PipelineSpec& p) {
  auto plan = Plan::Compile(p);
  EXPECT_FALSE(plan.ok());
  if (plan.ok()) return "";
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(plan.status().message());
}

TEST(PlanCompile, GroupsConsecutiveFunctionsIntoOneSegment) {
  PipelineSpec p = Base();
  p.steps = {Fn("apply-1", "in", StepKind::kApply, "f1"), Fn("filter-2", "apply-1", StepKind::kFilter, "f2"),
             Fn("update-3", "filter-2", StepKind::kUpdate, "f3"), ToTopic("to_topic-4", "update-3", "out", "k")};
  auto plan = Plan::Compile(p);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ((*plan)->segments().size(), 1u);
  const Segment& seg = (*plan)->segments()[0];
  ASSERT_EQ(seg.ops.size(), 4u);
  EXPECT_EQ(seg.ops[0].kind, OpKind::kApply);
  EXPECT_EQ(seg.ops[1].kind, OpKind::kFilter);
  EXPECT_EQ(seg.ops[2].kind, OpKind::kUpdate);
  EXPECT_EQ(seg.ops[3].kind, OpKind::kToTopicKey);
  EXPECT_TRUE(seg.yields_key);
  ASSERT_EQ((*plan)->nodes().size(), 2u);
  EXPECT_EQ((*plan)->nodes()[1].kind, PlanNode::Kind::kToTopic);
  EXPECT_TRUE((*plan)->nodes()[1].key_from_segment);
  EXPECT_EQ((*plan)->nodes()[1].output->name, "out");
}

TEST(PlanCompile, ToTopicSplitsSegmentsAndStepsMayBeListedInAnyOrder) {
  PipelineSpec p = Base();
  p.steps = {Fn("b", "t1", StepKind::kApply, "g"), ToTopic("t1", "a", "out"),
             Fn("a", "in", StepKind::kApply, "f"), ToTopic("t2", "b", "out")};
  auto plan = Plan::Compile(p);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ((*plan)->segments().size(), 2u);
  ASSERT_EQ((*plan)->nodes().size(), 4u);
  EXPECT_EQ((*plan)->nodes()[0].kind, PlanNode::Kind::kSegment);
  EXPECT_EQ((*plan)->nodes()[1].kind, PlanNode::Kind::kToTopic);
  EXPECT_FALSE((*plan)->nodes()[1].key_from_segment);
  EXPECT_EQ((*plan)->nodes()[2].segment_id, 1u);
  EXPECT_EQ((*plan)->output_topics(), std::vector<std::string>{"out"});
}

TEST(PlanCompile, NativeOnlyPlanHasNoClientFunctions) {
  PipelineSpec p = Base();
  p.steps = {ToTopic("t", "in", "out")};
  auto plan = Plan::Compile(p);
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE((*plan)->has_client_functions());
}

TEST(PlanCompile, EmptyPipelineIsRejected) {
  EXPECT_NE(ErrorOf(Base()).find("pipeline is empty"), std::string::npos);
}

TEST(PlanCompile, UnknownStepKindNamesTheStep) {
  PipelineSpec p = Base();
  Step s;
  s.id = "mystery-1";
  s.input = "in";
  p.steps = {s};
  std::string e = ErrorOf(p);
  EXPECT_NE(e.find("step 'mystery-1'"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown or missing step kind"), std::string::npos) << e;
}

TEST(PlanCompile, DanglingInputNamesTheStep) {
  PipelineSpec p = Base();
  p.steps = {Fn("apply-1", "nowhere", StepKind::kApply, "f")};
  std::string e = ErrorOf(p);
  EXPECT_NE(e.find("step 'apply-1'"), std::string::npos) << e;
  EXPECT_NE(e.find("dangling reference"), std::string::npos) << e;
}

TEST(PlanCompile, ToTopicWithoutTopic) {
  PipelineSpec p = Base();
  p.steps = {ToTopic("to_topic-1", "in", "")};
  std::string e = ErrorOf(p);
  EXPECT_NE(e.find("step 'to_topic-1': to_topic has no topic"), std::string::npos) << e;
}

TEST(PlanCompile, ToTopicWithUndeclaredTopic) {
  PipelineSpec p = Base();
  p.steps = {ToTopic("to_topic-1", "in", "ghost")};
  std::string e = ErrorOf(p);
  EXPECT_NE(e.find("'ghost'"), std::string::npos) << e;
  EXPECT_NE(e.find("step 'to_topic-1'"), std::string::npos) << e;
}

TEST(PlanCompile, FunctionWithoutIdIsRejected) {
  PipelineSpec p = Base();
  p.steps = {Fn("apply-1", "in", StepKind::kApply, "")};
  EXPECT_NE(ErrorOf(p).find("step 'apply-1': function has no function_id"), std::string::npos);
}

TEST(PlanCompile, DuplicateIdsAndBranchesAndCycles) {
  PipelineSpec p = Base();
  p.steps = {Fn("a", "in", StepKind::kApply, "f"), Fn("a", "a", StepKind::kApply, "g")};
  EXPECT_NE(ErrorOf(p).find("id is used twice"), std::string::npos);

  p.steps = {Fn("a", "in", StepKind::kApply, "f"), Fn("b", "a", StepKind::kApply, "g"),
             Fn("c", "a", StepKind::kApply, "h")};
  EXPECT_NE(ErrorOf(p).find("branching"), std::string::npos);

  p.steps = {Fn("a", "in", StepKind::kApply, "f"), Fn("b", "c", StepKind::kApply, "g"),
             Fn("c", "b", StepKind::kApply, "h")};
  EXPECT_NE(ErrorOf(p).find("not reachable"), std::string::npos);
}

TEST(PlanCompile, SourceTopicMustBeDeclaredAndSerdesMustExist) {
  PipelineSpec p = Base();
  p.source_topic = "elsewhere";
  p.steps = {Fn("a", "elsewhere", StepKind::kApply, "f")};
  EXPECT_NE(ErrorOf(p).find("source topic 'elsewhere' is not declared"), std::string::npos);

  p = Base();
  p.topics[0].value_deserializer.name = "avro";
  p.steps = {Fn("a", "in", StepKind::kApply, "f")};
  EXPECT_NE(ErrorOf(p).find("unknown deserializer 'avro'"), std::string::npos);

  p = Base();
  p.topics[1].key_serializer.name = "yaml";
  p.steps = {ToTopic("t", "in", "out")};
  std::string e = ErrorOf(p);
  EXPECT_NE(e.find("step 't'"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown serializer 'yaml'"), std::string::npos) << e;
}

TEST(PlanCompile, StatefulFunctionsMarkTheirSegmentAndThePlan) {
  PipelineSpec p = Base();
  Step s = Fn("apply-1", "in", StepKind::kApply, "f");
  s.function.stateful = true;
  p.steps = {s, Fn("apply-2", "apply-1", StepKind::kApply, "g")};
  auto plan = Plan::Compile(p);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_TRUE((*plan)->stateful());
  EXPECT_TRUE((*plan)->segments()[0].stateful);

  p.steps = {Fn("apply-1", "in", StepKind::kApply, "f")};
  EXPECT_FALSE((*Plan::Compile(p))->stateful());
}

}  // namespace
}  // namespace sidestream::graph

namespace sidestream::graph {
namespace {

TEST(PlanCompileExpr, MalformedExpressionsNameTheStep) {
  PipelineSpec p = Base();
  Step s;
  s.id = "assign-7";
  s.input = "in";
  s.kind = StepKind::kAssign;
  s.column = "z";
  auto bin = std::make_shared<ExprSpec>();
  bin->kind = ExprSpec::Kind::kBinary;
  bin->op = 99;
  s.expr = bin;
  p.steps = {s};
  std::string e = ErrorOf(p);
  EXPECT_NE(e.find("step 'assign-7': expression: unknown binary operator 99"), std::string::npos) << e;

  bin = std::make_shared<ExprSpec>();
  bin->kind = ExprSpec::Kind::kBinary;
  bin->op = 1;  // ADD with one operand
  auto v = std::make_shared<ExprSpec>();
  v->kind = ExprSpec::Kind::kValue;
  bin->left = v;
  s.expr = bin;
  p.steps = {s};
  e = ErrorOf(p);
  EXPECT_NE(e.find("wrong arity"), std::string::npos) << e;

  auto get = std::make_shared<ExprSpec>();
  get->kind = ExprSpec::Kind::kGetItem;
  get->left = v;
  get->literal_json = "[1]";
  s.expr = get;
  p.steps = {s};
  e = ErrorOf(p);
  EXPECT_NE(e.find("column key must be a string or an integer"), std::string::npos) << e;

  auto lit = std::make_shared<ExprSpec>();
  lit->kind = ExprSpec::Kind::kLiteral;
  lit->literal_json = "{oops";
  s.expr = lit;
  p.steps = {s};
  e = ErrorOf(p);
  EXPECT_NE(e.find("is not valid JSON"), std::string::npos) << e;

  s.expr = nullptr;
  p.steps = {s};
  EXPECT_NE(ErrorOf(p).find("has no expression"), std::string::npos);
}

}  // namespace
}  // namespace sidestream::graph
