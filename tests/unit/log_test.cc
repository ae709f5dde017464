// The application log level of a session (AppConfig.loglevel) and the
// per-thread override that applies it.
#include "common/log.h"

#include <optional>
#include <thread>

#include <gtest/gtest.h>

namespace sidestream::common {
namespace {

TEST(ParseAppLogLevel, PythonLevelNames) {
  EXPECT_EQ(*ParseAppLogLevel("DEBUG"), LogLevel::kDebug);
  EXPECT_EQ(*ParseAppLogLevel("info"), LogLevel::kInfo);
  EXPECT_EQ(*ParseAppLogLevel("WARNING"), LogLevel::kWarning);
  EXPECT_EQ(*ParseAppLogLevel("WARN"), LogLevel::kWarning);
  EXPECT_EQ(*ParseAppLogLevel("ERROR"), LogLevel::kError);
  EXPECT_EQ(*ParseAppLogLevel("CRITICAL"), LogLevel::kError);
  EXPECT_EQ(*ParseAppLogLevel("FATAL"), LogLevel::kError);
  EXPECT_EQ(*ParseAppLogLevel(""), std::nullopt);
  EXPECT_EQ(*ParseAppLogLevel("NOTSET"), std::nullopt);
}

TEST(ParseAppLogLevel, UnknownIsAnErrorNamingIt) {
  auto level = ParseAppLogLevel("LOUD");
  ASSERT_FALSE(level.ok());
  EXPECT_EQ(level.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(level.status().message().find("'LOUD'"), absl::string_view::npos);
}

TEST(ScopedThreadLogLevel, OverridesOnlyThisThreadAndNests) {
  SetLogLevel(LogLevel::kInfo);
  {
    ScopedThreadLogLevel warn(LogLevel::kWarning);
    EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
    EXPECT_TRUE(LogEnabled(LogLevel::kWarning));
    bool other_thread_info = false;
    std::thread([&] { other_thread_info = LogEnabled(LogLevel::kInfo); }).join();
    EXPECT_TRUE(other_thread_info);
    {
      ScopedThreadLogLevel debug(LogLevel::kDebug);
      EXPECT_TRUE(LogEnabled(LogLevel::kDebug));
      ScopedThreadLogLevel none(std::nullopt);  // no override: keeps the enclosing one
      EXPECT_TRUE(LogEnabled(LogLevel::kDebug));
    }
    EXPECT_FALSE(LogEnabled(LogLevel::kDebug));
    EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
  }
  EXPECT_TRUE(LogEnabled(LogLevel::kInfo));
  EXPECT_FALSE(LogEnabled(LogLevel::kDebug));
  EXPECT_FALSE(LogEnabled(LogLevel::kOff));
}

}  // namespace
}  // namespace sidestream::common
