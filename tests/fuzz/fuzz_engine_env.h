// The engine the fuzz harnesses scan with: every built-in rule on (opt-in families included,
// so the fuzzer reaches all of them), built once per process and never freed.
#pragma once
#include <memory>
#include <vector>

#include "engine/database.h"
#include "engine/scanner.h"
#include "rules/rule_loader.h"

namespace fuzz {

struct Env {
  keyhound::RuleSet rules;
  std::unique_ptr<keyhound::Database> db;
  std::unique_ptr<keyhound::Scanner> scanner;
  std::unique_ptr<keyhound::Scratch> scratch;
};

inline Env& env() {
  static Env* e = [] {
    auto* x = new Env;
    std::vector<keyhound::Rule> rs = keyhound::load_builtin_rules();
    for (auto& r : rs) r.enabled = true;
    for (auto& r : rs) keyhound::compile_rule(r);
    x->rules = keyhound::make_rule_set(std::move(rs));
    x->db = std::make_unique<keyhound::Database>(x->rules, "");
    x->scanner = std::make_unique<keyhound::Scanner>(x->rules, *x->db);
    x->scratch = std::make_unique<keyhound::Scratch>(*x->db);
    return x;
  }();
  return *e;
}

}  // namespace fuzz
