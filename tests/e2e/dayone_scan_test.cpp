// What a new user meets first with `keyhound scan` (issue 19): context on long lines,
// --only-verified without network, inline allows on pairs, pair severity, one finding per span,
// the cache without HOME, CI flags and output for people.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include <sys/stat.h>

#include "e2e_util.h"

using namespace e2e;
using nlohmann::json;

namespace {
json scan_json(const std::string& args, int* rc = nullptr) {
  auto r = run(kh() + " scan --format json " + args);
  if (rc) *rc = r.exit_code;
  try {
    return json::parse(r.out);
  } catch (const std::exception&) {
    ADD_FAILURE() << "not JSON (exit " << r.exit_code << "): " << r.out << "\n" << r.err;
    return json::object();
  }
}
}  // namespace

TEST(DayOneScanE2E, ContextOnALongLineIsAWindowAroundTheSecretMarkedCut) {
  std::string d = make_temp_dir();
  std::string id = fake_key_id(11);
  // Minified JS: the key sits 3,000 bytes into a 6,000-byte line.
  std::string line = "var a=\"" + std::string(3000, 'x') + "\";var aws_access_key_id=\"" + id + "\";var b=\"" +
                     std::string(3000, 'y') + "\";";
  write_file(d + "/app.min.js", line + "\n");
  int rc = 0;
  json j = scan_json(d, &rc);
  EXPECT_EQ(rc, 1);
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump();
  std::string ctx = j["findings"][0]["context"];
  std::string shown = j["findings"][0]["secret"];  // redacted form
  EXPECT_NE(ctx.find(shown), std::string::npos) << ctx;
  EXPECT_EQ(ctx.rfind("...", 0), 0u) << ctx;
  EXPECT_EQ(ctx.substr(ctx.size() - 3), "...") << ctx;
  EXPECT_LE(ctx.size(), 406u);
  EXPECT_EQ(ctx.find(id), std::string::npos) << "the key must stay redacted";
  auto t = run(kh() + " scan " + d);
  size_t gt = t.out.find("  > ...");
  ASSERT_NE(gt, std::string::npos) << t.out;
  std::string text_ctx = t.out.substr(gt, t.out.find('\n', gt) - gt);
  EXPECT_NE(text_ctx.find(shown), std::string::npos) << text_ctx;
  EXPECT_EQ(text_ctx.substr(text_ctx.size() - 3), "...") << text_ctx;
  // A short line is shown whole, unmarked.
  write_file(d + "/app.min.js", "aws_access_key_id=" + id + "\n");
  j = scan_json(d, &rc);
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["context"], "aws_access_key_id=" + shown);
}

TEST(DayOneScanE2E, InlineAllowOnEitherHalfOfAPairAllowsThePair) {
  std::string d = make_temp_dir();
  std::string id = fake_key_id(12), sec = fake_secret(12);
  write_file(d + "/on_secret.ini", "aws_access_key_id = " + id + "\naws_secret_access_key = " + sec +
                                       "  # keyhound:allow rotated in 2024\n");
  write_file(d + "/on_id.ini", "aws_access_key_id = " + fake_key_id(13) + "  # keyhound:allow\n" +
                                   "aws_secret_access_key = " + fake_secret(13) + "\n");
  int rc = 0;
  json j = scan_json("--show-suppressed " + d, &rc);
  EXPECT_EQ(rc, 0) << j.dump();
  EXPECT_EQ(j["summary"]["findings"], 0) << j.dump();
  EXPECT_EQ(j["summary"]["suppressed"], 2) << j.dump();
  for (auto& f : j["findings"]) {
    EXPECT_TRUE(f["suppressed"].get<bool>()) << f.dump();
    EXPECT_EQ(f["parts"].size(), 1u) << f.dump();
  }
}

TEST(DayOneScanE2E, APairIsAtLeastAsSevereAsEitherHalf) {
  std::string d = make_temp_dir();
  write_file(d + "/pair.ini", "aws_access_key_id = " + fake_key_id(14) + "\naws_secret_access_key = " +
                                  fake_secret(14) + "\n");
  write_file(d + "/lone.ini", "aws_secret_access_key = " + fake_secret(15) + "\n");
  json j = scan_json(d);
  ASSERT_EQ(j["findings"].size(), 2u) << j.dump();
  std::map<std::string, std::string> sev;
  for (auto& f : j["findings"]) sev[f["path"].get<std::string>().substr(d.size() + 1)] = f["severity"];
  EXPECT_EQ(sev["lone.ini"], "critical");
  EXPECT_EQ(sev["pair.ini"], "critical");  // the pair is usable: not less severe than its secret
  auto t = run(kh() + " scan --color never " + d + "/pair.ini");
  EXPECT_NE(t.out.find("aws-access-key-id [critical]"), std::string::npos) << t.out;
}

TEST(DayOneScanE2E, OneSpanIsOneFindingAndTheOtherRuleIsNamed) {
  std::string d = make_temp_dir();
  // A value under a name holding both "secret" and "token": two generic rules match it.
  std::string value = "q7" + fake_key_id(16).substr(4) + "zkW9m";
  write_file(d + "/app.cfg", "client_secret_token = \"" + value + "\"\n");
  int rc = 0;
  json j = scan_json("--enable generic " + d, &rc);
  EXPECT_EQ(rc, 1);
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump();
  // The longer match holds more evidence ("secret_token = ..." rather than "token = ...").
  EXPECT_EQ(j["findings"][0]["rule_id"], "generic-secret");
  EXPECT_EQ(j["findings"][0]["also_matched"], "generic-token");
  EXPECT_EQ(j["summary"]["findings"], 1);
}

TEST(DayOneScanE2E, WithoutXdgCacheHomeAMissingHomeIsNotCreated) {
  std::string d = make_temp_dir();
  write_file(d + "/a.txt", "nothing\n");
  std::string home = d + "/no-such-home";
  // kh() points XDG_CACHE_HOME at a private folder: unset it for this run.
  auto r = run("env -u XDG_CACHE_HOME HOME=" + home + " " + kh().substr(kh().find(' ') + 1) + " scan --verbose " + d);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(std::filesystem::exists(home)) << "keyhound created HOME";
  EXPECT_NE(r.err.find("no rule database cache"), std::string::npos) << r.err;
  size_t first = r.err.find("no rule database cache");
  EXPECT_EQ(r.err.find("no rule database cache", first + 1), std::string::npos) << "said once: " << r.err;
  // Without --verbose: nothing said.
  r = run("env -u XDG_CACHE_HOME HOME=" + home + " " + kh().substr(kh().find(' ') + 1) + " scan " + d);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err.find("cache"), std::string::npos) << r.err;
  // An existing HOME holds the cache.
  std::filesystem::create_directories(home);
  r = run("env -u XDG_CACHE_HOME HOME=" + home + " " + kh().substr(kh().find(' ') + 1) + " scan " + d);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(home + "/.cache/keyhound"));
}

TEST(DayOneScanE2E, EnableAndDisableTakeAProvider) {
  std::string d = make_temp_dir();
  write_file(d + "/creds.ini", "aws_access_key_id = " + fake_key_id(17) + "\n");
  EXPECT_EQ(run(kh() + " scan " + d).exit_code, 1);
  EXPECT_EQ(run(kh() + " scan --disable aws " + d).exit_code, 0);
  EXPECT_EQ(run(kh() + " scan --disable AWS " + d).exit_code, 0);
  auto r = run(kh() + " scan --enable google " + d);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  r = run(kh() + " scan --disable nosuchprovider " + d);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nosuchprovider"), std::string::npos) << r.err;
}

TEST(DayOneScanE2E, OutputFileStillPutsTheSummaryOnStderrAndExitCodeIsChosen) {
  std::string d = make_temp_dir();
  write_file(d + "/creds.ini", "aws_access_key_id = " + fake_key_id(18) + "\n");
  std::string out = make_temp_dir() + "/report.sarif";
  auto r = run(kh() + " scan --format sarif -o " + out + " " + d);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("keyhound: 1 finding, 1 file scanned"), std::string::npos) << r.err;
  EXPECT_EQ(run(kh() + " scan --quiet -o " + out + " " + d).err, "");
  EXPECT_EQ(run(kh() + " scan --exit-code 3 " + d).exit_code, 3);
  EXPECT_EQ(run(kh() + " scan --exit-code 0 " + d).exit_code, 0);
  EXPECT_EQ(run(kh() + " scan --exit-code 3 " + d + "/nothing-here").exit_code, 2);  // errors stay 2
  std::string clean = make_temp_dir();
  EXPECT_EQ(run(kh() + " scan --exit-code 3 " + clean).exit_code, 0);
}

TEST(DayOneScanE2E, SizesTakeSuffixesAndGitUsesTheSameOptionName) {
  std::string d = make_temp_dir();
  write_file(d + "/big.ini", "aws_access_key_id = " + fake_key_id(19) + "\n" + std::string(3000, '#') + "\n");
  auto r = run(kh() + " scan --format json --max-file-size 2K " + d);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["summary"]["skipped"]["too large"], 1) << r.out;
  EXPECT_EQ(run(kh() + " scan --max-file-size 1M " + d).exit_code, 1);
  EXPECT_EQ(run(kh() + " scan --max-file-size 10Q " + d).exit_code, 2);
  std::string repo = make_temp_dir();
  run("cd " + repo + " && git init -q && cp " + d + "/big.ini . && git add big.ini && "
      "git -c user.name=T -c user.email=t@example.com -c commit.gpgsign=false commit -q -m c");
  r = run(kh() + " git --format json --max-file-size 2K " + repo);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["summary"]["skipped"]["too large"], 1) << r.out;
  EXPECT_EQ(run(kh() + " git --max-blob-size 1M " + repo).exit_code, 1);
}

TEST(DayOneScanE2E, MistypedCommandIsNamedWithTheNearest) {
  auto r = run(kh() + " scna .");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown command 'scna'; did you mean 'scan'?"), std::string::npos) << r.err;
  r = run(kh() + " rules lsit");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown command 'rules lsit'; did you mean 'rules list'?"), std::string::npos) << r.err;
  r = run(kh() + " frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown command 'frobnicate'; see 'keyhound --help'"), std::string::npos) << r.err;
}

TEST(DayOneScanE2E, HelpNamesTheProgramDefaultsExamplesAndExitCodes) {
  for (std::string cmd : {"scan", "git"}) {
    auto r = run(kh() + " " + cmd + " --help");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out.find(KEYHOUND_BINARY), std::string::npos) << "build path in help:\n" << r.out;
    EXPECT_NE(r.out.find("keyhound " + cmd), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Examples:"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Exit status: 0"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("--max-file-size"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(cmd == "scan" ? "256M" : "64M"), std::string::npos) << "default shown:\n" << r.out;
    EXPECT_NE(r.out.find("=text"), std::string::npos) << "--format default shown:\n" << r.out;
  }
}

TEST(DayOneScanE2E, ColoursBySeverityOnATerminalUnlessNoColorOrDumbTerm) {
  std::string d = make_temp_dir();
  write_file(d + "/pair.ini", "aws_access_key_id = " + fake_key_id(20) + "\naws_secret_access_key = " +
                                  fake_secret(20) + "\n");
  // script(1) gives keyhound a terminal on stdout.
  auto on_tty = [&](const std::string& env) {
    return run("script -qec " + shell_quote(env + " TERM=xterm " + kh() + " scan " + d) + " /dev/null").out;
  };
  std::string coloured = on_tty("");
  EXPECT_NE(coloured.find("\x1b[1;31maws-access-key-id"), std::string::npos) << "critical is bold red: " << coloured;
  EXPECT_EQ(on_tty("NO_COLOR=1").find("\x1b["), std::string::npos);
  std::string dumb = run("script -qec " + shell_quote("TERM=dumb " + kh() + " scan " + d) + " /dev/null").out;
  EXPECT_EQ(dumb.find("\x1b["), std::string::npos) << dumb;
  // Asked for explicitly, colour wins over NO_COLOR.
  EXPECT_NE(run("NO_COLOR=1 " + kh() + " scan --color always " + d).out.find("\x1b["), std::string::npos);
}

TEST(DayOneScanE2E, PipesAndDevicesNamedOnTheCommandLineAreReadAsStreams) {
  std::string d = make_temp_dir();
  std::string id = fake_key_id(21);
  write_file(d + "/k.env", "aws_access_key_id = " + id + "\n");
  // bash's process substitution: /dev/fd/N, a pipe.
  auto r = run("bash -c " + shell_quote(kh() + " scan --format json <(cat " + d + "/k.env)"));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  json j = json::parse(r.out);
  ASSERT_EQ(j["findings"].size(), 1u) << r.out;
  EXPECT_EQ(j["findings"][0]["path"].get<std::string>().rfind("/dev/fd/", 0), 0u) << r.out;
  // A named FIFO, and /dev/stdin fed by a pipe.
  ASSERT_EQ(run("mkfifo " + d + "/fifo").exit_code, 0);
  r = run("cat " + d + "/k.env > " + d + "/fifo & " + kh() + " scan --format json " + d + "/fifo");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  r = run("cat " + d + "/k.env | " + kh() + " scan /dev/stdin");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // An empty character device is a clean stream, not an error.
  r = run(kh() + " scan /dev/null");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(DayOneScanE2E, RulesListShowsTheRulesInPlayAfterTheConfig) {
  std::string d = make_temp_dir();
  write_file(d + "/.keyhound.toml",
             "disable = [\"aws-session-token\"]\n"
             "[[rule]]\nid = \"acme-api-token\"\nname = \"Acme API token\"\nkeywords = [\"acme_\"]\n"
             "regex = '''\\b(acme_[A-Za-z0-9]{32})\\b'''\n");
  auto r = run("cd " + shell_quote(d) + " && " + kh() + " rules list --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, json> by_id;
  for (auto& rule : json::parse(r.out)) by_id[rule["id"]] = rule;
  ASSERT_TRUE(by_id.count("acme-api-token")) << "custom rule listed";
  EXPECT_TRUE(by_id["acme-api-token"]["custom"].get<bool>());
  EXPECT_EQ(by_id["aws-session-token"]["state"], "disabled");
  EXPECT_EQ(by_id["generic-token"]["state"], "opt-in");
  EXPECT_EQ(by_id["aws-access-key-id"]["state"], "on");
  // Text: a header and one column layout for every row (the NAME column starts at one place).
  r = run("cd " + shell_quote(d) + " && " + kh() + " rules list");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  std::string line;
  std::getline(in, line);
  size_t name_col = line.find("NAME");
  ASSERT_NE(name_col, std::string::npos) << line;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.size() < name_col) continue;  // the closing "N rules" line
    EXPECT_EQ(line[name_col - 1], ' ') << line;
    EXPECT_NE(line[name_col], ' ') << line;
    ++rows;
  }
  EXPECT_GT(rows, 200);
  EXPECT_NE(r.out.find("disabled"), std::string::npos);
  EXPECT_NE(r.out.find("(custom, config)"), std::string::npos);
  // --no-config: the built-ins alone.
  r = run("cd " + shell_quote(d) + " && " + kh() + " rules list --no-config --format json");
  for (auto& rule : json::parse(r.out)) EXPECT_NE(rule["id"], "acme-api-token");
}

TEST(DayOneScanE2E, TextGroupsOneSecretFoundInManyPlaces) {
  std::string d = make_temp_dir();
  std::string id = fake_key_id(22);
  for (int i = 0; i < 30; ++i) write_file(d + "/f" + std::to_string(100 + i) + ".env", "aws_access_key_id = " + id + "\n");
  write_file(d + "/other.env", "aws_access_key_id = " + fake_key_id(23) + "\n");
  auto r = run(kh() + " scan --color never " + d);
  EXPECT_EQ(r.exit_code, 1);
  size_t blocks = 0;
  for (size_t p = r.out.find("  aws-access-key-id ["); p != std::string::npos; p = r.out.find("  aws-access-key-id [", p + 1))
    ++blocks;
  EXPECT_EQ(blocks, 2u) << r.out;
  EXPECT_NE(r.out.find("same secret in 29 more places:"), std::string::npos) << r.out;
  for (int i = 1; i < 30; ++i) EXPECT_NE(r.out.find("/f" + std::to_string(100 + i) + ".env:1:21"), std::string::npos) << i;
  EXPECT_NE(r.out.find("keyhound: 31 findings"), std::string::npos) << r.out;  // each place still counts
}

TEST(DayOneScanE2E, ProgressOnStderrOnlyOnATerminal) {
  std::string d = make_temp_dir();
  for (int i = 0; i < 200; ++i) write_file(d + "/f" + std::to_string(i) + ".txt", std::string(20000, 'a') + "\n");
  write_file(d + "/k.env", "aws_access_key_id = " + fake_key_id(24) + "\n");
  // stderr a terminal (script(1)), stdout a file: the progress line is drawn on stderr.
  std::string out = make_temp_dir() + "/out.txt";
  auto r = run("script -qec " + shell_quote(kh() + " scan --threads 1 --progress-interval-ms 1 -o " + out + " " + d) +
               " /dev/null");
  EXPECT_NE(r.out.find("files, "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" MB/s, "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("findings so far"), std::string::npos) << r.out;
  // Not a terminal, or --no-progress: nothing.
  r = run(kh() + " scan --progress-interval-ms 1 " + d);
  EXPECT_EQ(r.err.find("so far"), std::string::npos) << r.err;
  r = run("script -qec " + shell_quote(kh() + " scan --no-progress --progress-interval-ms 1 " + d) + " /dev/null");
  EXPECT_EQ(r.out.find("so far"), std::string::npos) << r.out;
}

TEST(DayOneScanE2E, JsonlFindingsAreWrittenWhileTheScanGoesOn) {
  // A file with a key, then stdin held open by the test: the file's finding must be in the
  // output file while keyhound is still waiting on stdin.
  std::string d = make_temp_dir();
  write_file(d + "/k.env", "aws_access_key_id = " + fake_key_id(25) + "\n");
  std::string out = d + "/out.jsonl", fifo = d + "/in.fifo";
  std::string script =
      "mkfifo " + fifo + "; " + kh() + " scan --format jsonl -o " + out + " " + d + "/k.env - < " + fifo +
      " & pid=$!; exec 3>" + fifo +
      "; for i in $(seq 1 200); do [ -s " + out + " ] && break; sleep 0.05; done; "
      "if kill -0 $pid 2>/dev/null; then echo running; fi; wc -l < " + out + "; exec 3>&-; wait $pid; echo rc=$?";
  auto r = run("bash -c " + shell_quote(script));
  EXPECT_NE(r.out.find("running\n1\n"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("rc=1"), std::string::npos) << r.out << r.err;
  json j = json::parse(read_line(out, 1));
  EXPECT_EQ(j["rule_id"], "aws-access-key-id");
  struct stat st;
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(DayOneScanE2E, JsonlStreamHasTheFindingsOfTheWholeReportInWalkOrder) {
  std::string d = make_temp_dir();
  for (int i = 0; i < 4; ++i) std::filesystem::create_directories(d + "/s" + std::to_string(i));
  for (int i = 0; i < 40; ++i)
    write_file(d + "/s" + std::to_string(i % 4) + "/f" + std::to_string(i) + ".env",
               i % 3 == 0 ? "aws_access_key_id = " + fake_key_id(300 + i) + "\n" : "nothing here\n");
  auto one = run(kh() + " scan --format jsonl --threads 1 " + d);
  auto two = run(kh() + " scan --format jsonl --threads 2 " + d);
  auto whole = run(kh() + " scan --format json " + d);
  ASSERT_EQ(one.exit_code, 1) << one.err;
  EXPECT_EQ(one.out, two.out);  // the same stream for any thread count
  std::multiset<std::string> streamed, reported;
  std::istringstream in(one.out);
  for (std::string line; std::getline(in, line);) streamed.insert(json::parse(line)["fingerprint"]);
  json report = json::parse(whole.out);
  for (auto& f : report["findings"]) reported.insert(f["fingerprint"]);
  EXPECT_EQ(streamed.size(), 14u);
  EXPECT_EQ(streamed, reported);
}

TEST(DayOneScanE2E, PathsReadTheSameWhetherAFolderOrAFileWasNamed) {
  std::string d = make_temp_dir();
  std::filesystem::create_directories(d + "/sub");
  write_file(d + "/sub/k.env", "aws_access_key_id = " + fake_key_id(26) + "\n");
  for (const char* named : {".", "./", "sub", "sub/", "./sub", ".//sub//", "sub/k.env", "./sub/k.env", "sub//k.env"}) {
    auto r = run("cd " + d + " && " + kh() + " scan --format json " + named);
    ASSERT_EQ(r.exit_code, 1) << named << r.err;
    EXPECT_EQ(json::parse(r.out)["findings"][0]["path"], "sub/k.env") << named;
    auto t = run("cd " + d + " && " + kh() + " scan --color never " + named);
    EXPECT_EQ(t.out.rfind("sub/k.env:1:21", 0), 0u) << named << t.out;
  }
  // An absolute path stays absolute.
  auto r = run(kh() + " scan --format json " + d + "/sub");
  EXPECT_EQ(json::parse(r.out)["findings"][0]["path"], d + "/sub/k.env");
}

TEST(DayOneScanE2E, TwoProviderRulesOnTheSameBytesAreOneFinding) {
  // An AWS secret as the password of an Athena JDBC URL: the JDBC rule and the AWS rule report
  // the same 40 bytes. One finding: the AWS pair (it knows the bytes), naming the other rule.
  std::string d = make_temp_dir();
  write_file(d + "/athena.properties", "jdbc.url=jdbc:awsathena://AwsRegion=eu-west-1;User=" + fake_key_id(27) +
                                           ";Password=" + fake_secret(27) + ";S3OutputLocation=s3://logs/\n");
  auto r = run(kh() + " scan --format json " + d);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json j = json::parse(r.out);
  ASSERT_EQ(j["findings"].size(), 1u) << r.out;
  EXPECT_EQ(j["findings"][0]["rule_id"], "aws-access-key-id");
  EXPECT_NE(r.out.find("database-jdbc-password"), std::string::npos) << r.out;
}
