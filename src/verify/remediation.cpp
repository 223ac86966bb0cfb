#include "verify/remediation.h"

#include <cctype>
#include <iterator>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace keyhound {

namespace {

constexpr const char* kAwsKeysDoc =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html";
constexpr const char* kAwsRevokeSessionsDoc =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html";
constexpr const char* kAwsRootKeysDoc =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html";
constexpr const char* kCloudflareTokensDoc =
    "https://developers.cloudflare.com/fundamentals/api/how-to/roll-token/";
constexpr const char* kCloudflareKeysDoc =
    "https://developers.cloudflare.com/fundamentals/api/get-started/keys/";
constexpr const char* kCloudflareR2Doc =
    "https://developers.cloudflare.com/r2/api/tokens/";

struct Step {
  std::string text;     // Markdown sentence(s)
  std::string command;  // optional shell command
};

struct Advice {
  std::string kind;
  std::string summary;
  std::string headline;  // first paragraph
  std::vector<Step> steps;
  std::string footer;    // last paragraph
  std::string reference;
};

std::string render_markdown(const Advice& a) {
  std::string out = a.headline + "\n\n";
  int n = 1;
  for (const auto& s : a.steps) {
    out += std::to_string(n++) + ". " + s.text + "\n";
    if (!s.command.empty()) out += "   ```sh\n   " + s.command + "\n   ```\n";
  }
  if (!a.footer.empty()) out += "\n" + a.footer + "\n";
  if (!a.reference.empty()) out += "\nReference: " + a.reference + "\n";
  return out;
}

std::string render_commands(const Advice& a) {
  std::string out;
  for (const auto& s : a.steps)
    if (!s.command.empty()) out += s.command + "\n";
  return out;
}

std::string prop(const Finding& f, const std::string& key) {
  auto it = f.properties.find(key);
  return it == f.properties.end() ? "" : it->second;
}

// Last path element of an ARN resource of the given type, e.g. ("arn:aws:iam::1:user/a/b",
// "user/") -> "b"; for assumed roles ("...:assumed-role/Role/session", "assumed-role/") -> "Role".
std::string from_arn(const std::string& arn, const std::string& type) {
  size_t colon = arn.rfind(':');
  if (colon == std::string::npos) return "";
  std::string res = arn.substr(colon + 1);
  if (res.rfind(type, 0) != 0) return "";
  res = res.substr(type.size());
  if (type == "assumed-role/") return res.substr(0, res.find('/'));
  size_t slash = res.rfind('/');
  return slash == std::string::npos ? res : res.substr(slash + 1);
}

// Only characters that are safe to paste into a shell command unquoted.
bool shell_safe(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '+' || c == '=' ||
          c == ',' || c == '@'))
      return false;
  return true;
}

std::string safe_or(const std::string& value, const std::string& placeholder) {
  return shell_safe(value) ? value : placeholder;
}

std::string aws_kind(const Finding& f) {
  std::string kind = prop(f, "kind");
  if (!kind.empty()) return kind;
  const std::string& s = f.secret;
  if (s.rfind("AKIA", 0) == 0) return "long-term";
  if (s.rfind("ASIA", 0) == 0) return "temporary";
  return "";
}

std::string cloudtrail_cmd(const std::string& id) {
  return "aws cloudtrail lookup-events --lookup-attributes AttributeKey=AccessKeyId,AttributeValue=" +
         id + " --max-results 50";
}

std::string live_line(const Finding& f) {
  if (f.verified == Verification::Valid) {
    std::string who = prop(f, "verified_arn");
    return " **Verified live" + (who.empty() ? std::string() : " as `" + who + "`") +
           ": act now.**";
  }
  return "";
}

Advice aws_long_term(const Finding& f, const std::string& id, bool root) {
  Advice a;
  std::string user = safe_or(from_arn(prop(f, "verified_arn"), "user/"), "<USER_NAME>");
  std::string user_opt = root ? "" : " --user-name " + user;
  std::string account = prop(f, "verified_account");
  if (account.empty()) account = prop(f, "aws_account_id");
  std::string in_account = account.empty() ? "" : " (account " + account + ")";
  a.reference = kAwsKeysDoc;
  a.steps.push_back({"Find out who owns the key and when it was last used (this works on an "
                     "inactive key too; run it with IAM read access in " +
                         (account.empty() ? std::string("the key's account") : "account " + account) +
                         ").",
                     "aws iam get-access-key-last-used --access-key-id " + id});
  if (root) {
    a.kind = "aws-root";
    a.summary = "CRITICAL: AWS root user access key " + id +
                " leaked: make it inactive, then delete it; the root user should have no access "
                "keys at all.";
    a.headline = "This is an access key of the AWS account **root user**" + in_account +
                 ": it can do anything in the account, including closing it, and no policy can "
                 "restrict it. AWS recommends that the root user has no access keys at all." +
                 live_line(f);
    a.steps.push_back({"Move whatever used this key to an IAM role (or an IAM user with least "
                       "privilege); do not create a new root access key.",
                       ""});
    a.steps.push_back({"Make the leaked key inactive (signed in as the root user: console > "
                       "account menu > Security credentials > Access keys > Actions > "
                       "Deactivate, or with the root credentials themselves):",
                       "aws iam update-access-key --access-key-id " + id + " --status Inactive"});
    a.steps.push_back({"Confirm nothing broke (the key's last-used date stays put, your "
                       "workloads still run).",
                       ""});
    a.steps.push_back({"Delete the key (console: Actions > Delete), leaving the root user with "
                       "no access keys:",
                       "aws iam delete-access-key --access-key-id " + id});
    a.steps.push_back({"Check what the key did. CloudTrail event history keeps 90 days of "
                       "management events per region (repeat with `--region` for each region "
                       "in use); look for new IAM users, keys, roles or policies, and remove "
                       "what you did not create:",
                       cloudtrail_cmd(id)});
    a.steps.push_back({"Secure the root user: enable MFA on it, change its password, and use it "
                       "only for the tasks that need it.",
                       ""});
    a.reference = kAwsRootKeysDoc;
  } else {
    a.kind = "aws-long-term";
    a.summary = "Rotate AWS access key " + id +
                ": create a replacement (or move to an IAM role), make " + id +
                " inactive, confirm nothing broke, delete it, then check CloudTrail for its use.";
    a.headline = "`" + id + "` is a long-term access key of an IAM user" + in_account +
                 ": it works until someone makes it inactive or deletes it, however old the "
                 "leak is. Rotate it following AWS's access-key lifecycle." + live_line(f);
    a.steps.push_back({"Create a replacement key for the same user. Better: move the "
                       "application to an IAM role or other temporary credentials (IAM roles "
                       "for EC2/ECS/Lambda, IAM Identity Center, OIDC federation for CI) so no "
                       "long-term key is needed at all.",
                       "aws iam create-access-key" + user_opt});
    a.steps.push_back({"Switch the application to the new key (or role), from a secret store or "
                       "the environment, never from code.",
                       ""});
    a.steps.push_back({"Make the leaked key inactive:",
                       "aws iam update-access-key --access-key-id " + id +
                           " --status Inactive" + user_opt});
    a.steps.push_back({"Confirm nothing broke: the application works and the old key's "
                       "last-used date no longer moves (if something broke, set the old key "
                       "back to `Active` for a moment and fix it).",
                       "aws iam get-access-key-last-used --access-key-id " + id});
    a.steps.push_back({"Delete the leaked key:",
                       "aws iam delete-access-key --access-key-id " + id + user_opt});
    a.steps.push_back({"Check whether someone else used it. CloudTrail event history keeps 90 "
                       "days of management events per region (repeat with `--region` for each "
                       "region in use); look for calls you did not make, such as new IAM "
                       "users, keys or roles, and remove what you did not create:",
                       cloudtrail_cmd(id)});
  }
  a.footer = "Deleting the key from the code is not enough: it stays in version-control "
             "history and in every clone. Rotation is what makes the leak harmless.";
  return a;
}

Advice aws_temporary(const Finding& f, const std::string& id) {
  Advice a;
  a.kind = "aws-temporary";
  a.reference = kAwsRevokeSessionsDoc;
  std::string role = safe_or(from_arn(prop(f, "verified_arn"), "assumed-role/"), "<ROLE_NAME>");
  a.summary = "Temporary AWS key " + id +
              " expires on its own, but until then it works: revoke the role's active "
              "sessions, check CloudTrail, and fix whatever leaked it.";
  a.headline = "`" + id + "` is a temporary (STS) access key: it cannot be deleted, and it keeps "
               "working until it expires (15 minutes to 36 hours after it was issued, depending "
               "on how it was requested). Revoke the sessions it belongs to instead." +
               live_line(f);
  a.steps.push_back({"Find the role (or user) that issued it: CloudTrail records the calls made "
                     "with it, including the `assumed-role/...` ARN; `get-access-key-info` "
                     "gives the account.",
                     "aws sts get-access-key-info --access-key-id " + id});
  a.steps.push_back({"Revoke the active sessions of that role: IAM console > Roles > the role > "
                     "Revoke sessions > **Revoke active sessions**. AWS attaches an inline "
                     "policy that denies everything to credentials issued before now "
                     "(`aws:TokenIssueTime`); new sessions are not affected. The same from the "
                     "CLI (put the current UTC time in place of <NOW_UTC>, e.g. "
                     "2024-05-07T23:47:00Z):",
                     "aws iam put-role-policy --role-name " + role +
                         " --policy-name AWSRevokeOlderSessions --policy-document "
                         "'{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
                         "\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":"
                         "{\"aws:TokenIssueTime\":\"<NOW_UTC>\"}}}]}'"});
  a.steps.push_back({"If the session came from an IAM user (GetSessionToken or "
                     "GetFederationToken), attach the same deny policy to that user with `aws "
                     "iam put-user-policy`, and rotate the user's long-term access key: it may "
                     "have leaked too.",
                     ""});
  a.steps.push_back({"Check what the key did. CloudTrail event history keeps 90 days of "
                     "management events per region:",
                     cloudtrail_cmd(id)});
  a.steps.push_back({"Find and fix what exposed the session credentials (logs, environment "
                     "dumps, CI output, crash reports).",
                     ""});
  a.footer = "A leaked session token is usually the symptom of a process that prints or "
             "stores credentials; fixing that matters more than this one session.";
  return a;
}

Advice aws_secret_only() {
  Advice a;
  a.kind = "aws-secret-only";
  a.reference = kAwsKeysDoc;
  a.summary = "AWS secret access key without its key ID: find the key ID it belongs to and "
              "rotate that key (make it inactive, then delete it).";
  a.headline = "This is an AWS secret access key found without its access key ID nearby. The "
               "secret alone is still dangerous: the ID is often somewhere else in the same "
               "repository, history or environment.";
  a.steps.push_back({"Find the access key ID that goes with it (same file history, deployment "
                     "configuration, CI variables), or list the keys of the IAM users that "
                     "could have put it there:",
                     "aws iam list-access-keys --user-name <USER_NAME>"});
  a.steps.push_back({"Create a replacement (better: move to an IAM role), switch the "
                     "application, then make the old key inactive:",
                     "aws iam update-access-key --access-key-id <ACCESS_KEY_ID> --status "
                     "Inactive --user-name <USER_NAME>"});
  a.steps.push_back({"Confirm nothing broke, then delete it:",
                     "aws iam delete-access-key --access-key-id <ACCESS_KEY_ID> --user-name "
                     "<USER_NAME>"});
  a.steps.push_back({"Check CloudTrail for its use:",
                     "aws cloudtrail lookup-events --lookup-attributes "
                     "AttributeKey=AccessKeyId,AttributeValue=<ACCESS_KEY_ID> --max-results 50"});
  return a;
}

Advice aws_identifier(const Finding& f) {
  Advice a;
  a.kind = "aws-identifier";
  a.reference = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html";
  a.summary = "AWS unique ID of an IAM principal (" + f.secret.substr(0, 4) +
              "...): not a credential, nothing to rotate.";
  a.headline = "This is the unique ID of an IAM user, role, group or policy, not a credential. "
               "It cannot be used to sign requests; it only reveals account structure.";
  a.steps.push_back({"No rotation needed. Remove it from public places if account structure is "
                     "sensitive to you.",
                     ""});
  return a;
}

Advice cloudflare(const Finding& f) {
  Advice a;
  RemediationKind k = f.facts.remediation;
  std::string token_id = safe_or(prop(f, "verified_token_id"), "<TOKEN_ID>");
  std::string live = live_line(f);
  bool scannable = k == RemediationKind::CloudflareScannable;
  if (k == RemediationKind::CloudflareGlobalKey || (scannable && f.secret.rfind("cfk_", 0) == 0)) {
    a.kind = "cloudflare-global-api-key";
    a.reference = kCloudflareKeysDoc;
    a.summary = "Cloudflare Global API Key leaked: change it in the dashboard (My Profile > API "
                "Tokens > Global API Key > Change) and move to scoped API tokens.";
    a.headline = "The Global API Key has the full rights of your Cloudflare user on every "
                 "account and zone it can reach." + live;
    a.steps.push_back({"Change it: dashboard > My Profile > API Tokens > Global API Key > "
                       "Change. The old key stops working at once.",
                       ""});
    a.steps.push_back({"Replace its uses with API tokens scoped to the permissions and zones "
                       "each tool needs.",
                       ""});
  } else if (k == RemediationKind::CloudflareOriginCaKey) {
    a.kind = "cloudflare-origin-ca-key";
    a.reference = kCloudflareKeysDoc;
    a.summary = "Cloudflare Origin CA key leaked: change it in the dashboard (My Profile > API "
                "Tokens > Origin CA Key > Change).";
    a.headline = "The Origin CA key can issue and revoke Origin CA certificates for your "
                 "zones." + live;
    a.steps.push_back({"Change it: dashboard > My Profile > API Tokens > Origin CA Key > "
                       "Change.",
                       ""});
    a.steps.push_back({"Review the Origin CA certificates of your zones (SSL/TLS > Origin Server) "
                       "and revoke any you did not create.",
                       ""});
  } else if (k == RemediationKind::CloudflareR2) {
    a.kind = "cloudflare-r2";
    a.reference = kCloudflareR2Doc;
    a.summary = "Cloudflare R2 access key leaked: roll or delete its API token (R2 > Manage R2 "
                "API Tokens).";
    a.headline = "R2 access keys are derived from a Cloudflare API token; revoking the token "
                 "revokes the key pair." + live;
    a.steps.push_back({"Dashboard > R2 > Manage R2 API Tokens: roll the token (new secret, same "
                       "permissions) or delete it, and create a new one for the application.",
                       ""});
    a.steps.push_back({"Switch the application to the new key pair.", ""});
  } else {
    a.kind = "cloudflare-api-token";
    a.reference = kCloudflareTokensDoc;
    a.summary = "Cloudflare API token leaked: roll it (new secret, same permissions) or delete "
                "it, in the dashboard or via the API.";
    a.headline = "A Cloudflare API token works until it is rolled, deleted or expires." + live;
    a.steps.push_back({"Dashboard > My Profile > API Tokens (or Manage Account > Account API "
                       "Tokens for account-owned tokens): find the token, then **Roll** it to "
                       "get a new secret with the same permissions, or **Delete** it.",
                       ""});
    a.steps.push_back({"Or via the API, authenticated with another token that may manage "
                       "tokens. Roll:",
                       "curl -X PUT \"https://api.cloudflare.com/client/v4/user/tokens/" +
                           token_id + "/value\" -H \"Authorization: Bearer $CF_ADMIN_TOKEN\" "
                           "-H \"Content-Type: application/json\" --data '{}'"});
    a.steps.push_back({"Or delete:",
                       "curl -X DELETE \"https://api.cloudflare.com/client/v4/user/tokens/" +
                           token_id + "\" -H \"Authorization: Bearer $CF_ADMIN_TOKEN\""});
    a.steps.push_back({"Switch the application to the new secret.", ""});
  }
  a.steps.push_back({"Check the account's Audit Log (Manage Account > Audit Log) for changes "
                     "you did not make.",
                     ""});
  a.footer = "Removing the token from the code is not enough: it stays in version-control "
             "history. Rolling or deleting it is what makes the leak harmless.";
  return a;
}

bool is_cloudflare(RemediationKind k) {
  return k == RemediationKind::CloudflareApiToken || k == RemediationKind::CloudflareScannable ||
         k == RemediationKind::CloudflareGlobalKey || k == RemediationKind::CloudflareOriginCaKey ||
         k == RemediationKind::CloudflareR2;
}

void apply(Finding& f, const Advice& a) {
  f.remediation = std::make_shared<const Remediation>(
      Remediation{a.kind, a.summary, render_markdown(a), render_commands(a), a.reference});
}

}  // namespace

void add_staged_remediation(Finding& f) {
  Remediation r = f.remediation ? *f.remediation : Remediation{"staged", "", "", "", ""};
  r.summary =
      "Staged, never committed: remove the key from the file and stage it again; load it from a secret "
      "store or the environment instead. Rotate it only if it was committed, pushed or shared elsewhere.";
  f.remediation = std::make_shared<const Remediation>(std::move(r));
}

namespace {
void build_remediation(Finding& f);

// The properties build_remediation() reads.
constexpr const char* kAdviceProperties[] = {"root_credentials", "access_key_id", "kind", "verified_arn",
                                             "verified_account", "aws_account_id", "verified_token_id"};

// Everything build_remediation() reads of a finding. An audit's report holds each finding once
// per fork that shares it: the advice (Markdown of a dozen steps) is built once per distinct key.
// Built for every finding of a report (thousands in an audit's): the property names are made
// strings once and the values appended where they are, not copied out first.
void advice_key(const Finding& f, std::string& key) {
  static const std::vector<std::string> names(std::begin(kAdviceProperties), std::end(kAdviceProperties));
  key.clear();
  key += std::to_string(static_cast<int>(f.facts.remediation));
  key += '\0';
  key += std::to_string(static_cast<int>(f.verified));
  key += '\0';
  key += f.secret;
  for (const std::string& name : names) {
    key += '\0';
    if (auto it = f.properties.find(name); it != f.properties.end()) key += it->second;
  }
}
}  // namespace

void add_remediation(Finding& f) {
  if (f.facts.remediation == RemediationKind::None) return;
  struct Advised {
    std::shared_ptr<const Remediation> remediation;
    bool critical = false;  // root credentials: severity raised
  };
  thread_local std::unordered_map<std::string, Advised> memo;
  thread_local std::string key;  // its room reused from finding to finding
  advice_key(f, key);
  auto it = memo.find(key);
  if (it == memo.end()) {
    if (memo.size() >= 4096) memo.clear();
    Finding probe;  // what the key holds, nothing more: what it does to severity is the key's
    probe.facts.remediation = f.facts.remediation;
    probe.verified = f.verified;
    probe.secret = f.secret;
    for (const char* p : kAdviceProperties)
      if (auto v = f.properties.find(p); v != f.properties.end()) probe.properties.insert(*v);
    build_remediation(probe);
    bool critical = prop(probe, "severity") == "critical";
    it = memo.emplace(key, Advised{std::move(probe.remediation), critical}).first;
  }
  if (it->second.remediation) f.remediation = it->second.remediation;
  if (it->second.critical) f.properties["severity"] = "critical";
}

namespace {
void build_remediation(Finding& f) {
  RemediationKind k = f.facts.remediation;
  bool root = prop(f, "root_credentials") == "true";
  if (k == RemediationKind::AwsAccessKey || ((k == RemediationKind::AwsSecretKey) && root)) {
    // The key ID: the finding's secret for the key-ID rule. Key IDs are [A-Z0-9]; anything
    // else would be unsafe to paste into a shell, so use a placeholder.
    std::string id = k == RemediationKind::AwsAccessKey ? f.secret : prop(f, "access_key_id");
    id = safe_or(id, "<ACCESS_KEY_ID>");
    if (root) {
      f.properties["severity"] = "critical";
      apply(f, aws_long_term(f, id, true));
    } else if (aws_kind(f) == "temporary" || aws_kind(f) == "bearer-token") {
      apply(f, aws_temporary(f, id));
    } else {
      Advice a = aws_long_term(f, id, false);
      if (aws_kind(f) != "long-term") a.kind = "aws-key";
      apply(f, a);
    }
  } else if (k == RemediationKind::AwsSecretKey) {
    apply(f, aws_secret_only());
  } else if (k == RemediationKind::AwsSessionToken) {
    apply(f, aws_temporary(f, "<ACCESS_KEY_ID>"));
  } else if (k == RemediationKind::AwsPrincipalId) {
    apply(f, aws_identifier(f));
  } else if (is_cloudflare(k)) {
    apply(f, cloudflare(f));
  }
}
}  // namespace

std::string remediation_markdown_for_rule(const Rule& rule) {
  if (rule.id.empty()) return "";
  Finding f;
  f.rule_id = rule.id;
  f.facts = rule.facts;
  if (rule.facts.remediation == RemediationKind::AwsAccessKey) {
    f.secret = "<ACCESS_KEY_ID>";
    Finding root = f;
    root.properties["root_credentials"] = "true";
    std::string out = "**Long-term keys (`AKIA...`)**\n\n" +
                      render_markdown(aws_long_term(f, "<ACCESS_KEY_ID>", false)) +
                      "\n**Temporary keys (`ASIA...`)**\n\n" +
                      render_markdown(aws_temporary(f, "<ACCESS_KEY_ID>")) +
                      "\n**Root user keys (`rootkey.csv`, `AWSAccessKeyId=`/`AWSSecretKey=`)**\n\n" +
                      render_markdown(aws_long_term(root, "<ACCESS_KEY_ID>", true));
    return out;
  }
  if (rule.facts.remediation != RemediationKind::None) {
    add_remediation(f);
    if (f.remediation) return f.remediation->markdown;
  }
  return "Revoke or rotate this credential at its provider first (removing it from the code is "
         "not enough: it stays in version-control history and in every clone), switch whatever "
         "used it to the new one, kept in a secret store, then check the provider's logs for "
         "use you do not recognize.\n";
}

}  // namespace keyhound
