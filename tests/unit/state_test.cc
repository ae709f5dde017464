// Unit tests of the state module against real RocksDB databases in temporary
// directories: prefixes, read-your-own-writes, atomic flushes with the
// processed offset, transaction lifecycle, locking, path confinement.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "common/log.h"
#include "state/key_codec.h"
#include "state/options.h"
#include "state/partition_transaction.h"
#include "state/paths.h"
#include "state/store_manager.h"
#include "state/store_partition.h"

namespace sidestream::state {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

#define ASSERT_OK(expr) ASSERT_TRUE((expr).ok()) << (expr)
#define EXPECT_CODE(expr, code_name) EXPECT_EQ((expr).code(), absl::StatusCode::code_name) << (expr)

class StateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    common::SetLogLevel(common::LogLevel::kError);
    std::string tmpl = (fs::temp_directory_path() / "ss_state_test_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    tmp_ = tmpl;
    options_.root = tmp_ / "root";
    // Small options so that tests stay light.
    options_.rocksdb.write_buffer_size = 1 << 20;
    options_.rocksdb.block_cache_size = 1 << 20;
    options_.open_max_retries = 2;
    options_.open_retry_backoff = milliseconds(10);
  }
  void TearDown() override { fs::remove_all(tmp_); }

  std::unique_ptr<StorePartition> OpenPartition(const std::string& name = "p0") {
    auto p = StorePartition::Open(tmp_ / name, options_);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? std::move(*p) : nullptr;
  }
  std::unique_ptr<PartitionTransaction> Begin(StorePartition& p) {
    auto t = p.Begin();
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? std::move(*t) : nullptr;
  }
  static std::optional<std::string> Get(PartitionTransaction& t, absl::string_view prefix,
                                        absl::string_view key) {
    auto v = t.Get(prefix, key);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : std::nullopt;
  }

  fs::path tmp_;
  StateOptions options_;
};

// --- key encoding ---------------------------------------------------------

TEST(KeyCodec, PrefixAndKeyAreUnambiguous) {
  EXPECT_NE(EncodeStateKey("ab", "c"), EncodeStateKey("a", "bc"));
  EXPECT_NE(EncodeStateKey("", "abc"), EncodeStateKey("abc", ""));
  std::string long_prefix(300, 'x');  // length needs two varint bytes
  for (auto [prefix, key] : {std::pair<std::string, std::string>{"k1", "count"},
                             {"", ""},
                             {std::string("\0\x80", 2), "v"},
                             {long_prefix, "y"}}) {
    const std::string stored = EncodeStateKey(prefix, key);  // the views point into it
    auto d = DecodeStateKey(stored);
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(d->prefix, prefix);
    EXPECT_EQ(d->key, key);
  }
  EXPECT_CODE(DecodeStateKey("\x05" "ab").status(), kDataLoss);
}

TEST(KeyCodec, OffsetRoundTrips) {
  for (int64_t v : {int64_t{0}, int64_t{42}, int64_t{-1}, INT64_MAX}) {
    auto d = DecodeOffset(EncodeOffset(v));
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, v);
  }
  EXPECT_CODE(DecodeOffset("1234").status(), kDataLoss);
}

// --- transactions ---------------------------------------------------------

TEST_F(StateTest, PrefixesIsolateKeys) {
  auto p = OpenPartition();
  auto t = Begin(*p);
  ASSERT_OK(t->Set("user-1", "count", "1"));
  ASSERT_OK(t->Set("user-2", "count", "2"));
  EXPECT_EQ(Get(*t, "user-1", "count"), "1");
  EXPECT_EQ(Get(*t, "user-2", "count"), "2");
  EXPECT_EQ(Get(*t, "user-3", "count"), std::nullopt);
  ASSERT_OK(t->MaybeFlush(0));

  auto t2 = Begin(*p);
  EXPECT_EQ(Get(*t2, "user-1", "count"), "1");
  EXPECT_EQ(Get(*t2, "user-2", "count"), "2");
  // Concatenation ambiguity: ("user-1c", "ount") is a different key.
  EXPECT_EQ(Get(*t2, "user-1c", "ount"), std::nullopt);
  ASSERT_OK(t2->Delete("user-1", "count"));
  EXPECT_EQ(Get(*t2, "user-2", "count"), "2");
}

TEST_F(StateTest, ReadsItsOwnWritesIncludingDeletes) {
  auto p = OpenPartition();
  {
    auto t = Begin(*p);
    ASSERT_OK(t->Set("k", "a", "stored"));
    ASSERT_OK(t->MaybeFlush(1));
  }
  auto t = Begin(*p);
  EXPECT_EQ(Get(*t, "k", "a"), "stored");
  ASSERT_OK(t->Set("k", "a", "pending"));
  EXPECT_EQ(Get(*t, "k", "a"), "pending");

  ASSERT_OK(t->Delete("k", "a"));  // delete-then-get hides the stored value
  EXPECT_EQ(Get(*t, "k", "a"), std::nullopt);
  auto exists = t->Exists("k", "a");
  ASSERT_TRUE(exists.ok());
  EXPECT_FALSE(*exists);

  ASSERT_OK(t->Set("k", "a", "again"));  // set-after-delete
  EXPECT_EQ(Get(*t, "k", "a"), "again");
  exists = t->Exists("k", "a");
  ASSERT_TRUE(exists.ok());
  EXPECT_TRUE(*exists);

  ASSERT_OK(t->Set("k", "bin", std::string("\0\xff", 2)));  // values are bytes
  EXPECT_EQ(Get(*t, "k", "bin"), std::string("\0\xff", 2));
  EXPECT_EQ(t->pending_count(), 2u);
}

TEST_F(StateTest, RepeatedSetsOfAKeyFlushTheLastValue) {
  // Set reuses the pending entry of a key (and its value buffer): values of
  // any length, interleaved keys and prefixes, and a delete in between.
  auto p = OpenPartition();
  auto t = Begin(*p);
  const std::string long_value(100, 'x');
  for (int i = 0; i < 50; ++i) {
    ASSERT_OK(t->Set("k", "a", i % 2 == 0 ? long_value : std::to_string(i)));
    ASSERT_OK(t->Set("k2", "a", std::to_string(i)));
  }
  ASSERT_OK(t->Delete("k", "b"));
  ASSERT_OK(t->Set("k", "b", "after-delete"));
  ASSERT_OK(t->Set("k", "b", "last"));
  EXPECT_EQ(t->pending_count(), 3u);
  ASSERT_OK(t->MaybeFlush(1));
  t = Begin(*p);
  EXPECT_EQ(Get(*t, "k", "a"), "49");
  EXPECT_EQ(Get(*t, "k2", "a"), "49");
  EXPECT_EQ(Get(*t, "k", "b"), "last");
}

TEST_F(StateTest, DeleteIsFlushed) {
  auto p = OpenPartition();
  auto t = Begin(*p);
  ASSERT_OK(t->Set("k", "a", "1"));
  ASSERT_OK(t->MaybeFlush(1));
  t = Begin(*p);
  ASSERT_OK(t->Delete("k", "a"));
  ASSERT_OK(t->MaybeFlush(2));
  t = Begin(*p);
  EXPECT_EQ(Get(*t, "k", "a"), std::nullopt);
}

TEST_F(StateTest, FlushWritesValuesAndOffsetTogetherAndReopenSeesThem) {
  {
    auto p = OpenPartition();
    EXPECT_EQ(p->GetProcessedOffset(), std::nullopt);
    auto t = Begin(*p);
    ASSERT_OK(t->Set("k1", "sum", "10"));
    ASSERT_OK(t->Set("k2", "sum", "20"));
    EXPECT_EQ(p->GetProcessedOffset(), std::nullopt);  // nothing until the flush
    ASSERT_OK(t->MaybeFlush(41));
    EXPECT_TRUE(t->completed());
    EXPECT_FALSE(t->failed());
    EXPECT_EQ(p->GetProcessedOffset(), 41);
  }
  auto p = OpenPartition();
  EXPECT_EQ(p->GetProcessedOffset(), 41);
  auto t = Begin(*p);
  EXPECT_EQ(Get(*t, "k1", "sum"), "10");
  EXPECT_EQ(Get(*t, "k2", "sum"), "20");
}

TEST_F(StateTest, AbandonedTransactionWritesNothing) {
  {
    auto p = OpenPartition();
    auto t = Begin(*p);
    ASSERT_OK(t->Set("k", "a", "1"));
  }  // destroyed without MaybeFlush
  auto p = OpenPartition();
  auto t = Begin(*p);
  EXPECT_EQ(Get(*t, "k", "a"), std::nullopt);
  EXPECT_EQ(p->GetProcessedOffset(), std::nullopt);
}

TEST_F(StateTest, NothingIsFlushedWhenNothingChanged) {
  {
    auto p = OpenPartition();
    auto t = Begin(*p);
    ASSERT_OK(t->Set("k", "a", "1"));
    ASSERT_OK(t->MaybeFlush(5));

    t = Begin(*p);
    EXPECT_EQ(Get(*t, "k", "a"), "1");  // reads only
    ASSERT_OK(t->MaybeFlush(9));
    EXPECT_TRUE(t->completed());
    EXPECT_EQ(p->GetProcessedOffset(), 5);  // the offset did not move either
  }
  auto p = OpenPartition();
  EXPECT_EQ(p->GetProcessedOffset(), 5);
}

TEST_F(StateTest, FlushWithoutOffsetKeepsTheStoredOne) {
  auto p = OpenPartition();
  auto t = Begin(*p);
  ASSERT_OK(t->Set("k", "a", "1"));
  ASSERT_OK(t->MaybeFlush(3));
  t = Begin(*p);
  ASSERT_OK(t->Set("k", "a", "2"));
  ASSERT_OK(t->MaybeFlush());
  EXPECT_EQ(p->GetProcessedOffset(), 3);
}

TEST_F(StateTest, FailedFlushFailsTheTransactionForGood) {
  auto p = OpenPartition();
  auto t = Begin(*p);
  ASSERT_OK(t->Set("k", "a", "1"));
  p->FailNextOperationForTesting(absl::InternalError("disk on fire"));
  absl::Status s = t->MaybeFlush(7);
  EXPECT_CODE(s, kInternal);
  EXPECT_TRUE(t->failed());
  EXPECT_FALSE(t->completed());

  EXPECT_CODE(t->Get("k", "a").status(), kFailedPrecondition);
  EXPECT_CODE(t->Set("k", "a", "2"), kFailedPrecondition);
  EXPECT_CODE(t->Delete("k", "a"), kFailedPrecondition);
  EXPECT_CODE(t->Exists("k", "a").status(), kFailedPrecondition);
  absl::Status again = t->MaybeFlush(7);
  EXPECT_CODE(again, kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(again.message(), "disk on fire")) << again;

  // Nothing was written; a new transaction may start.
  EXPECT_EQ(p->GetProcessedOffset(), std::nullopt);
  auto t2 = Begin(*p);
  EXPECT_EQ(Get(*t2, "k", "a"), std::nullopt);
}

TEST_F(StateTest, FailedReadFailsTheTransaction) {
  auto p = OpenPartition();
  auto t = Begin(*p);
  ASSERT_OK(t->Set("k", "pending", "1"));
  p->FailNextOperationForTesting(absl::DataLossError("bad block"));
  EXPECT_CODE(t->Get("k", "stored").status(), kDataLoss);
  EXPECT_TRUE(t->failed());
  EXPECT_CODE(t->Get("k", "pending").status(), kFailedPrecondition);
  EXPECT_CODE(t->MaybeFlush(1), kFailedPrecondition);
  ASSERT_NE(Begin(*p), nullptr);
}

TEST_F(StateTest, CompletedTransactionCannotBeReused) {
  auto p = OpenPartition();
  auto t = Begin(*p);
  ASSERT_OK(t->Set("k", "a", "1"));
  ASSERT_OK(t->MaybeFlush(1));
  EXPECT_CODE(t->Set("k", "a", "2"), kFailedPrecondition);
  EXPECT_CODE(t->Get("k", "a").status(), kFailedPrecondition);
  EXPECT_CODE(t->MaybeFlush(2), kFailedPrecondition);
}

TEST_F(StateTest, OneActiveTransactionPerPartition) {
  auto p = OpenPartition();
  auto t1 = Begin(*p);
  EXPECT_TRUE(p->has_active_transaction());
  EXPECT_CODE(p->Begin().status(), kFailedPrecondition);

  ASSERT_OK(t1->MaybeFlush());  // completing frees the slot
  EXPECT_FALSE(p->has_active_transaction());
  auto t2 = Begin(*p);
  EXPECT_CODE(p->Begin().status(), kFailedPrecondition);
  t2.reset();  // so does abandoning
  auto t3 = Begin(*p);
  ASSERT_NE(t3, nullptr);
  // A second partition is independent.
  auto other = OpenPartition("p1");
  ASSERT_NE(Begin(*other), nullptr);
}

TEST_F(StateTest, ClosingThePartitionFailsTheOpenTransaction) {
  auto p = OpenPartition();
  auto t = Begin(*p);
  ASSERT_OK(t->Set("k", "a", "1"));
  ASSERT_OK(p->Close());
  EXPECT_TRUE(t->failed());
  EXPECT_CODE(t->MaybeFlush(1), kFailedPrecondition);
  EXPECT_CODE(p->Begin().status(), kFailedPrecondition);
  ASSERT_OK(p->Close());  // idempotent
  t.reset();              // must not touch the closed partition
}

TEST_F(StateTest, ShouldApplyGuardsReplaysAfterReopen) {
  {
    auto p = OpenPartition();
    EXPECT_TRUE(p->ShouldApply(0));  // nothing stored yet
    auto t = Begin(*p);
    EXPECT_TRUE(t->ShouldApply(0));
    ASSERT_OK(t->Set("k", "n", "1"));
    ASSERT_OK(t->MaybeFlush(100));
  }
  auto p = OpenPartition();
  EXPECT_FALSE(p->ShouldApply(99));
  EXPECT_FALSE(p->ShouldApply(100));
  EXPECT_TRUE(p->ShouldApply(101));
  auto t = Begin(*p);
  EXPECT_FALSE(t->ShouldApply(100));
  EXPECT_TRUE(t->ShouldApply(101));
}

// --- opening, options, destroy ---------------------------------------------

TEST_F(StateTest, LockedDatabaseRetriesThenFailsUnavailable) {
  auto first = OpenPartition();
  const auto start = std::chrono::steady_clock::now();
  auto second = StorePartition::Open(tmp_ / "p0", options_);
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(second.ok());
  EXPECT_CODE(second.status(), kUnavailable);
  EXPECT_TRUE(absl::StrContains(second.status().message(), (tmp_ / "p0").string()))
      << second.status();
  EXPECT_TRUE(absl::StrContains(second.status().message(), "3 attempts")) << second.status();
  EXPECT_GE(waited, milliseconds(20));  // two backoffs
}

TEST_F(StateTest, LockedDatabaseOpensOnceReleased) {
  auto first = OpenPartition();
  options_.open_max_retries = 100;
  std::thread closer([&] {
    std::this_thread::sleep_for(milliseconds(50));
    first.reset();
  });
  auto second = StorePartition::Open(tmp_ / "p0", options_);
  closer.join();
  EXPECT_TRUE(second.ok()) << second.status();
}

TEST_F(StateTest, InvalidExtraOptionIsNamed) {
  options_.rocksdb.extra = {{"no_such_rocksdb_option", "1"}};
  auto p = StorePartition::Open(tmp_ / "p0", options_);
  EXPECT_CODE(p.status(), kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(p.status().message(), "no_such_rocksdb_option")) << p.status();

  options_.rocksdb.extra = {{"max_open_files", "not-a-number"}};
  absl::Status s = ValidateStateOptions(options_);
  EXPECT_CODE(s, kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.message(), "max_open_files")) << s;

  options_.rocksdb.extra = {{"wal_dir", "/tmp/elsewhere"}};
  s = ValidateStateOptions(options_);
  EXPECT_CODE(s, kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.message(), "wal_dir")) << s;
}

TEST_F(StateTest, ValidExtraOptionsAreAccepted) {
  // A DBOptions and a ColumnFamilyOptions name.
  options_.rocksdb.extra = {{"max_open_files", "64"}, {"num_levels", "4"}};
  ASSERT_OK(ValidateStateOptions(options_));
  ASSERT_NE(OpenPartition(), nullptr);
}

TEST_F(StateTest, OtherOptionsAreValidated) {
  StateOptions bad = options_;
  bad.root.clear();
  EXPECT_CODE(ValidateStateOptions(bad), kInvalidArgument);
  bad = options_;
  bad.open_max_retries = -1;
  EXPECT_CODE(ValidateStateOptions(bad), kInvalidArgument);
  bad = options_;
  bad.rocksdb.write_buffer_size = 0;
  EXPECT_CODE(ValidateStateOptions(bad), kInvalidArgument);
}

TEST_F(StateTest, DestroyRemovesTheDirectory) {
  auto p = OpenPartition();
  auto t = Begin(*p);
  ASSERT_OK(t->Set("k", "a", "1"));
  ASSERT_OK(t->MaybeFlush(1));
  ASSERT_TRUE(fs::exists(tmp_ / "p0"));
  ASSERT_OK(p->Destroy());
  EXPECT_FALSE(p->is_open());
  EXPECT_FALSE(fs::exists(tmp_ / "p0"));
  ASSERT_OK(StorePartition::DestroyAt(tmp_ / "p0"));  // already gone: fine

  auto again = OpenPartition();  // a fresh, empty database
  EXPECT_EQ(again->GetProcessedOffset(), std::nullopt);
}

// --- paths ----------------------------------------------------------------

TEST_F(StateTest, ConfinedDirAcceptsNestedRelativePaths) {
  auto dir = ConfinedDir(options_.root, "apps/a/./b");
  ASSERT_TRUE(dir.ok()) << dir.status();
  EXPECT_TRUE(fs::is_directory(*dir));
  EXPECT_EQ(*dir, fs::canonical(options_.root) / "apps" / "a" / "b");
  // Idempotent.
  auto again = ConfinedDir(options_.root, "apps/a/b");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *dir);
}

TEST_F(StateTest, ConfinedDirRejectsEscapes) {
  for (const char* bad : {"", "..", "../x", "a/../../x", "a/..", "/etc", "/tmp/state"}) {
    auto dir = ConfinedDir(options_.root, bad);
    EXPECT_CODE(dir.status(), kInvalidArgument) << "state_dir: '" << bad << "'";
  }
  EXPECT_FALSE(fs::exists(tmp_ / "x"));
}

TEST_F(StateTest, ConfinedDirRejectsSymlinksThatLeaveTheRoot) {
  fs::create_directories(options_.root);
  fs::create_directories(tmp_ / "outside");
  fs::create_directory_symlink(tmp_ / "outside", options_.root / "link");
  auto dir = ConfinedDir(options_.root, "link/app");
  EXPECT_CODE(dir.status(), kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(dir.status().message(), "escapes")) << dir.status();
  EXPECT_FALSE(fs::exists(tmp_ / "outside" / "app"));

  // A symlink deeper down, relative and climbing out.
  fs::create_directories(options_.root / "a");
  fs::create_directory_symlink("../../outside", options_.root / "a" / "up");
  EXPECT_CODE(ConfinedDir(options_.root, "a/up").status(), kInvalidArgument);

  // A symlink that stays inside is fine.
  fs::create_directories(options_.root / "real");
  fs::create_directory_symlink("real", options_.root / "alias");
  auto ok = ConfinedDir(options_.root, "alias/x");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(*ok, fs::canonical(options_.root) / "real" / "x");
}

TEST_F(StateTest, ConfinedDirRejectsAFileInTheWay) {
  fs::create_directories(options_.root);
  { std::FILE* f = std::fopen((options_.root / "file").c_str(), "w"); std::fclose(f); }
  EXPECT_CODE(ConfinedDir(options_.root, "file/x").status(), kFailedPrecondition);
}

TEST(EscapeName, KeepsNamesInOneComponent) {
  EXPECT_EQ(*EscapeName("orders-v1.2_x"), "orders-v1.2_x");
  EXPECT_EQ(*EscapeName("a/b"), "a%2Fb");
  EXPECT_EQ(*EscapeName(".."), "%2E%2E");
  EXPECT_EQ(*EscapeName("."), "%2E");
  EXPECT_EQ(*EscapeName("%2E"), "%252E");  // injective: '%' is escaped too
  EXPECT_EQ(*EscapeName("a b"), "a%20b");
  EXPECT_CODE(EscapeName("").status(), kInvalidArgument);
  EXPECT_CODE(EscapeName(std::string(200, '/')).status(), kInvalidArgument);
  auto rel = PartitionRelativePath("grp/1", "default", "..", 3);
  ASSERT_TRUE(rel.ok());
  EXPECT_EQ(*rel, fs::path("grp%2F1/default/%2E%2E/3"));
  EXPECT_CODE(PartitionRelativePath("g", "s", "t", -1).status(), kInvalidArgument);
}

// --- store manager --------------------------------------------------------

TEST_F(StateTest, ManagerOpensOnAssignClosesOnRevokeWithTheDocumentedLayout) {
  auto m = StoreManager::Create(options_, "app/state", "group/1");
  ASSERT_TRUE(m.ok()) << m.status();
  StoreManager& mgr = **m;
  ASSERT_OK(mgr.RegisterStore("orders"));
  ASSERT_OK(mgr.RegisterStore("orders", "totals"));
  EXPECT_CODE(mgr.RegisterStore("orders"), kAlreadyExists);

  EXPECT_CODE(mgr.Begin("orders", 0).status(), kFailedPrecondition);  // not assigned
  ASSERT_OK(mgr.OnAssign("orders", 0));
  ASSERT_OK(mgr.OnAssign("orders", 0));    // again: no-op
  ASSERT_OK(mgr.OnAssign("payments", 0));  // no stores: no-op
  EXPECT_EQ(mgr.open_partition_count(), 2u);
  EXPECT_CODE(mgr.RegisterStore("orders", "late"), kFailedPrecondition);
  EXPECT_CODE(mgr.Begin("orders", 0, "nope").status(), kNotFound);

  const fs::path root = fs::canonical(options_.root);
  EXPECT_EQ(mgr.group_dir(), root / "app" / "state" / "group%2F1");
  EXPECT_TRUE(fs::exists(root / "app/state/group%2F1/default/orders/0/CURRENT"));
  EXPECT_TRUE(fs::exists(root / "app/state/group%2F1/totals/orders/0/CURRENT"));
  ASSERT_EQ(mgr.GetPartition("orders", 0)->path(), root / "app/state/group%2F1/default/orders/0");

  {
    auto t = mgr.Begin("orders", 0);
    ASSERT_TRUE(t.ok()) << t.status();
    ASSERT_OK((*t)->Set("key", "n", "1"));
    ASSERT_OK((*t)->MaybeFlush(10));
  }
  ASSERT_OK(mgr.OnRevoke("orders", 0));
  EXPECT_EQ(mgr.open_partition_count(), 0u);
  EXPECT_EQ(mgr.GetPartition("orders", 0), nullptr);
  ASSERT_OK(mgr.OnRevoke("orders", 0));  // not assigned: no-op

  ASSERT_OK(mgr.OnAssign("orders", 0));
  EXPECT_EQ(mgr.GetPartition("orders", 0)->GetProcessedOffset(), 10);
  EXPECT_EQ(mgr.GetPartition("orders", 0, "totals")->GetProcessedOffset(), std::nullopt);
  auto t = mgr.Begin("orders", 0);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(Get(**t, "key", "n"), "1");
}

TEST_F(StateTest, ManagerRejectsClientDirsOutsideTheRoot) {
  EXPECT_CODE(StoreManager::Create(options_, "../escape", "g").status(), kInvalidArgument);
  EXPECT_CODE(StoreManager::Create(options_, "/abs", "g").status(), kInvalidArgument);
  EXPECT_CODE(StoreManager::Create(options_, "ok", "").status(), kInvalidArgument);
  options_.rocksdb.extra = {{"bogus_option", "1"}};
  auto m = StoreManager::Create(options_, "ok", "g");
  EXPECT_CODE(m.status(), kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(m.status().message(), "bogus_option"));
}

TEST_F(StateTest, ManagerOnLostFailsTheTransactionAndKeepsDataByDefault) {
  auto m = StoreManager::Create(options_, "app", "g");
  ASSERT_TRUE(m.ok()) << m.status();
  StoreManager& mgr = **m;
  ASSERT_OK(mgr.RegisterStore("t"));
  ASSERT_OK(mgr.OnAssign("t", 1));
  {
    auto t = mgr.Begin("t", 1);
    ASSERT_OK((*t)->Set("k", "a", "kept"));
    ASSERT_OK((*t)->MaybeFlush(1));
  }
  auto t = mgr.Begin("t", 1);
  ASSERT_TRUE(t.ok());
  ASSERT_OK((*t)->Set("k", "a", "lost"));
  ASSERT_OK(mgr.OnLost("t", 1));
  EXPECT_TRUE((*t)->failed());
  t->reset();

  ASSERT_OK(mgr.OnAssign("t", 1));
  auto t2 = mgr.Begin("t", 1);
  ASSERT_TRUE(t2.ok());
  EXPECT_EQ(Get(**t2, "k", "a"), "kept");
}

TEST_F(StateTest, ManagerOnLostDestroysWhenConfigured) {
  options_.destroy_on_lost = true;
  auto m = StoreManager::Create(options_, "app", "g");
  ASSERT_TRUE(m.ok()) << m.status();
  StoreManager& mgr = **m;
  ASSERT_OK(mgr.RegisterStore("t"));
  ASSERT_OK(mgr.OnAssign("t", 1));
  const fs::path dir = mgr.GetPartition("t", 1)->path();
  ASSERT_OK(mgr.OnLost("t", 1));
  EXPECT_FALSE(fs::exists(dir));
}

TEST_F(StateTest, ManagerClearAllOnlyWhenNothingIsOpen) {
  auto m = StoreManager::Create(options_, "app", "g");
  ASSERT_TRUE(m.ok()) << m.status();
  StoreManager& mgr = **m;
  ASSERT_OK(mgr.RegisterStore("t"));
  ASSERT_OK(mgr.OnAssign("t", 0));
  {
    auto t = mgr.Begin("t", 0);
    ASSERT_OK((*t)->Set("k", "a", "1"));
    ASSERT_OK((*t)->MaybeFlush(3));
  }
  EXPECT_CODE(mgr.ClearAll(), kFailedPrecondition);
  ASSERT_OK(mgr.Close());
  // Another pipeline's state in the same client dir is left alone.
  auto other = StoreManager::Create(options_, "app", "other-group");
  ASSERT_TRUE(other.ok());
  ASSERT_OK((*other)->RegisterStore("t"));
  ASSERT_OK((*other)->OnAssign("t", 0));
  ASSERT_OK((*other)->Close());

  ASSERT_OK(mgr.ClearAll());
  EXPECT_FALSE(fs::exists(mgr.group_dir()));
  EXPECT_TRUE(fs::exists((*other)->group_dir()));
  ASSERT_OK(mgr.ClearAll());  // nothing left: fine

  ASSERT_OK(mgr.OnAssign("t", 0));
  EXPECT_EQ(mgr.GetPartition("t", 0)->GetProcessedOffset(), std::nullopt);
  auto t = mgr.Begin("t", 0);
  EXPECT_EQ(Get(**t, "k", "a"), std::nullopt);
}

}  // namespace
}  // namespace sidestream::state
