// Engine throughput (Google Benchmark): one thread, whole buffers through Scanner::scan_block.
// Run: build/bench/keyhound_bench --benchmark_filter=... ; per-rule family: BM_SingleRule.
#include <benchmark/benchmark.h>
#include <hs/hs.h>

#include <cstdio>
#include <vector>

#include <map>
#include <memory>

#include "bench_corpus.h"
#include "engine/database.h"
#include "engine/scanner.h"
#include "rules/rule_loader.h"

using namespace keyhound;

namespace {

constexpr size_t kInputBytes = 64 << 20;

const std::string& input(int kind) {
  static std::map<int, std::string> cache;
  auto it = cache.find(kind);
  if (it != cache.end()) return it->second;
  std::string s = kind == 0 ? bench::realistic_source(kInputBytes)
                  : kind == 1 ? bench::near_miss_text(kInputBytes)
                              : bench::random_bytes(kInputBytes);
  return cache.emplace(kind, std::move(s)).first->second;
}

struct Loaded {
  RuleSet rules;
  std::unique_ptr<Database> db;
  std::unique_ptr<Scanner> scanner;
};

// which: "all" = every default-enabled rule; "aws" = rules/aws.toml only; else one rule id.
// Returned by pointer: the Scanner keeps references into the RuleSet, so a Loaded never moves.
std::unique_ptr<Loaded> load(const std::string& which) {
  auto lp = std::make_unique<Loaded>();
  Loaded& l = *lp;
  auto all = load_builtin_rules();
  std::vector<Rule> keep;
  for (auto& r : all) {
    if (which == "all" ? r.enabled
        : which == "aws" ? (r.source_file == "rules/aws.toml" && r.enabled)
                         : r.id == which) {
      r.enabled = true;
      keep.push_back(r);
    }
  }
  // Keep attach targets so pairing rules load.
  for (auto& r : std::vector<Rule>(keep))
    if (!r.attach_to.empty())
      for (auto& t : all)
        if (t.id == r.attach_to && std::none_of(keep.begin(), keep.end(), [&](const Rule& k) { return k.id == t.id; }))
          keep.push_back(t);
  l.rules = make_rule_set(std::move(keep));
  l.db = std::make_unique<Database>(l.rules, "");
  l.scanner = std::make_unique<Scanner>(l.rules, *l.db);
  return lp;
}

void run(benchmark::State& state, const std::string& which, int kind) {
  static std::map<std::string, std::unique_ptr<Loaded>> engines;
  if (!engines.count(which)) engines.emplace(which, load(which));
  Loaded& l = *engines.at(which);
  Scratch scratch(*l.db);
  const std::string& data = input(kind);
  size_t found = 0;
  for (auto _ : state) {
    auto f = l.scanner->scan_block(data, scratch);
    found += f.size();
    benchmark::DoNotOptimize(f);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(data.size()));
  state.counters["findings"] = static_cast<double>(found) / static_cast<double>(state.iterations());
}

void BM_AllRules_Realistic(benchmark::State& s) { run(s, "all", 0); }
void BM_AllRules_NearMiss(benchmark::State& s) { run(s, "all", 1); }
void BM_AllRules_Random(benchmark::State& s) { run(s, "all", 2); }
void BM_AwsRules_Realistic(benchmark::State& s) { run(s, "aws", 0); }
void BM_AwsRules_NearMiss(benchmark::State& s) { run(s, "aws", 1); }
void BM_StreamMode_AllRules_Realistic(benchmark::State& state) {
  static std::unique_ptr<Loaded> lp = load("all");
  Loaded& l = *lp;
  Scratch scratch(*l.db);
  const std::string& data = input(0);
  for (auto _ : state) {
    StreamScan ss(*l.scanner, scratch);
    for (size_t off = 0; off < data.size(); off += 1 << 20) ss.feed(std::string_view(data).substr(off, 1 << 20));
    benchmark::DoNotOptimize(ss.finish());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(data.size()));
}

// Hyperscan alone (keyword hits counted, no RE2 confirmation): the floor for the database.
void BM_AllRules_KeywordsOnly_Realistic(benchmark::State& state) {
  static std::unique_ptr<Loaded> lp = load("all");
  Scratch scratch(*lp->db);
  const std::string& data = input(0);
  std::vector<uint64_t> per_kw(lp->db->keywords().keywords.size());
  auto cb = [](unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
    (*static_cast<std::vector<uint64_t>*>(ctx))[id]++;
    return 0;
  };
  for (auto _ : state)
    hs_scan(lp->db->block_db(), data.data(), static_cast<unsigned>(data.size()), 0, scratch.get(), cb, &per_kw);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(data.size()));
  uint64_t total = 0;
  for (auto c : per_kw) total += c;
  state.counters["hits_per_MB"] = static_cast<double>(total) / state.iterations() / (data.size() / 1e6);
  if (std::getenv("KEYHOUND_BENCH_HITS")) {
    std::vector<std::pair<uint64_t, std::string>> top;
    for (size_t i = 0; i < per_kw.size(); ++i) top.push_back({per_kw[i] / state.iterations(), lp->db->keywords().keywords[i]});
    std::sort(top.rbegin(), top.rend());
    for (size_t i = 0; i < top.size() && i < 25; ++i) std::fprintf(stderr, "%10llu  %s\n", (unsigned long long)top[i].first, top[i].second.c_str());
  }
}
BENCHMARK(BM_AllRules_KeywordsOnly_Realistic)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_AllRules_Realistic)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_AllRules_NearMiss)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_AllRules_Random)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_AwsRules_Realistic)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_AwsRules_NearMiss)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_StreamMode_AllRules_Realistic)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// One benchmark per built-in rule on realistic text: one slow keyword or regex sets the speed
// of the whole database, and this names the offender.
struct RegisterPerRule {
  RegisterPerRule() {
    for (auto& r : load_builtin_rules()) {
      std::string id = r.id;
      benchmark::RegisterBenchmark(("BM_SingleRule/" + id).c_str(),
                                   [id](benchmark::State& s) { run(s, id, 0); })
          ->Unit(benchmark::kMillisecond)
          ->MinTime(0.2);
    }
  }
} register_per_rule;

}  // namespace

BENCHMARK_MAIN();
