// Flag and environment parsing of sidestreamd.
#include "config/server_options.h"

#include <cstdlib>

#include <gtest/gtest.h>

namespace sidestream::config {
namespace {

TEST(ServerOptions, DefaultsMatchTheDesign) {
  auto p = ParseServerOptions({});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->options.listen, "127.0.0.1:50051");
  EXPECT_EQ(p->options.broker, "127.0.0.1:9092");
}

TEST(ServerOptions, FlagsOverrideEnvironment) {
  setenv("SIDESTREAM_BROKER", "10.0.0.1:9092", 1);
  auto p = ParseServerOptions({"--listen", "0.0.0.0:6000", "--state-dir=/tmp/x"});
  unsetenv("SIDESTREAM_BROKER");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->options.listen, "0.0.0.0:6000");
  EXPECT_EQ(p->options.broker, "10.0.0.1:9092");
  EXPECT_EQ(p->options.state_dir, "/tmp/x");
  p = ParseServerOptions({"--broker=b:1"});
  EXPECT_EQ(p->options.broker, "b:1");
}

TEST(ServerOptions, BadValuesNameTheFlag) {
  auto p = ParseServerOptions({"--listen", "nonsense"});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("--listen"), absl::string_view::npos);
  p = ParseServerOptions({"--log-level", "loud"});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("--log-level"), absl::string_view::npos);
  EXPECT_FALSE(ParseServerOptions({"--bogus=1"}).ok());
  EXPECT_FALSE(ParseServerOptions({"--max-batch", "0"}).ok());
  p = ParseServerOptions({"--nudge-below-rate", "-1"});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("--nudge-below-rate"), absl::string_view::npos);
}

TEST(ServerOptions, NudgeBelowRateDefaultsTo2000AndZeroDisables) {
  EXPECT_EQ(ParseServerOptions({})->options.nudge_below_rate, 2000);
  EXPECT_EQ(ParseServerOptions({"--nudge-below-rate=0"})->options.nudge_below_rate, 0);
  EXPECT_EQ(ParseServerOptions({"--nudge-below-rate", "500.5"})->options.nudge_below_rate, 500.5);
}

TEST(ServerOptions, PipelineBatchesIsOnByDefault) {
  EXPECT_TRUE(ParseServerOptions({})->options.pipeline_batches);
  EXPECT_FALSE(ParseServerOptions({"--pipeline-batches=false"})->options.pipeline_batches);
  EXPECT_FALSE(ParseServerOptions({"--pipeline-batches", "maybe"}).ok());
}

TEST(ServerOptions, HelpDocumentsEveryFlagAndItsEnvironmentVariable) {
  std::string help = HelpText();
  for (const char* f : {"--listen", "--broker", "--state-dir", "--log-level", "--log-format",
                        "--shutdown-timeout", "SIDESTREAM_LISTEN", "SIDESTREAM_BROKER"}) {
    EXPECT_NE(help.find(f), std::string::npos) << f;
  }
  EXPECT_TRUE(ParseServerOptions({"--help"})->show_help);
}

}  // namespace
}  // namespace sidestream::config
