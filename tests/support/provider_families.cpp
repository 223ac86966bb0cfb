// Provider token families for the labelled corpus. Each generator follows the layout the provider
// documents (or that its own tooling and the public rule sets of other scanners agree on): the
// fact is named next to it. Prefixes are written apart from bodies so that the source holds no
// key-shaped literal.
#include "provider_families.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <stdexcept>

#include "base/hex.h"

namespace provider_families {
namespace {

const std::string kB62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const std::string kB64Url = kB62 + "_-";
const std::string kB64 = kB62 + "+/";
const std::string kHex = "0123456789abcdef";
const std::string kUpAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const std::string kLowAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
const std::string kLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const std::string kDigits = "0123456789";
const std::string kBech32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";

struct Rng {
  std::mt19937_64 r;
  std::string of(const std::string& a, size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += a[r() % a.size()];
    return s;
  }
  uint64_t below(uint64_t n) { return r() % n; }
  std::string uuid() {
    return of(kHex, 8) + "-" + of(kHex, 4) + "-4" + of(kHex, 3) + "-" + of("89ab", 1) + of(kHex, 3) + "-" + of(kHex, 12);
  }
};

uint32_t crc32(const std::string& s) {
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : s) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return c ^ 0xFFFFFFFFu;
}


std::string b64json(const std::string& json, bool url) {
  std::string s = keyhound::base64_encode(json, url, false);
  return s;
}

struct Family {
  std::string name, provider;
  std::string env;     // the variable name projects use for it
  std::string prefix;  // literal start of the token ("" = none: found by its name)
  std::function<std::string(Rng&)> gen;
  std::string header;  // how it travels in HTTP ("" = not in a header)
  std::vector<std::pair<std::string, std::string>> sdk;  // language -> constructor call with {T}
  bool checksum = false;     // the last characters are a checksum of the rest
  bool needs_name = false;   // no prefix: only the name beside it says what it is
  std::string host = "api.example.com";
};

std::string P(const char* a, const char* b) { return std::string(a) + b; }

const std::vector<Family>& families() {
  static const std::vector<Family> f = [] {
    std::vector<Family> v;
    auto add = [&](Family x) { v.push_back(std::move(x)); };
    // GitHub: ghp_/ghs_ + 30 base62 + CRC32 (6 base62); fine-grained github_pat_ + 22 + _ + 59.
    add({"github-classic", "GitHub", "GITHUB_TOKEN", P("gh", "p_"),
         [](Rng& r) { std::string b = r.of(kB62, 30); return P("gh", "p_") + b + github_crc32_suffix(b); },
         "Authorization: token {T}",
         {{"python", "from github import Github\n\ngh = Github(\"{T}\")\n"},
          {"js", "import { Octokit } from \"@octokit/rest\";\n\nconst octokit = new Octokit({ auth: \"{T}\" });\n"},
          {"go", "ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: \"{T}\"})\nclient := github.NewClient(oauth2.NewClient(ctx, ts))\n"}},
         true, false, "api.github.com"});
    add({"github-app", "GitHub", "GH_INSTALLATION_TOKEN", P("gh", "s_"),
         [](Rng& r) { std::string b = r.of(kB62, 30); return P("gh", "s_") + b + github_crc32_suffix(b); },
         "Authorization: Bearer {T}", {}, true, false, "api.github.com"});
    add({"github-fine-grained", "GitHub", "GH_TOKEN", P("github", "_pat_"),
         [](Rng& r) { return P("github", "_pat_") + "11A" + r.of(kUpAlnum, 19) + "_" + r.of(kB62, 59); },
         "Authorization: Bearer {T}",
         {{"ruby", "client = Octokit::Client.new(access_token: \"{T}\")\n"}}, false, false, "api.github.com"});
    // GitLab: glpat- + 20 base64url (legacy), routable: payload . version . length + 7 base36.
    add({"gitlab-pat", "GitLab", "GITLAB_TOKEN", P("glp", "at-"),
         [](Rng& r) { return P("glp", "at-") + r.of(kB64Url, 20); }, "PRIVATE-TOKEN: {T}",
         {{"python", "import gitlab\n\ngl = gitlab.Gitlab(\"https://gitlab.com\", private_token=\"{T}\")\n"}}, false,
         false, "gitlab.com"});
    add({"gitlab-pat-routable", "GitLab", "GITLAB_PRIVATE_TOKEN", P("glp", "at-"),
         [](Rng& r) {
           return P("glp", "at-") + r.of(kB64Url, 36) + ".01." + r.of(kLowAlnum, 2) + r.of(kLowAlnum, 7);
         },
         "PRIVATE-TOKEN: {T}", {}, false, false, "gitlab.com"});
    add({"gitlab-runner", "GitLab", "RUNNER_TOKEN", P("glr", "t-"),
         [](Rng& r) { return P("glr", "t-") + r.of(kB64Url, 20); }, "", {}, false, false, "gitlab.com"});
    // Slack: xoxb-<team id>-<bot id>-<24 alnum>; xoxp- adds a user id and 32 hex; webhooks.
    add({"slack-bot", "Slack", "SLACK_BOT_TOKEN", P("xo", "xb-"),
         [](Rng& r) {
           return P("xo", "xb-") + "1" + r.of(kDigits, 11) + "-" + "2" + r.of(kDigits, 12) + "-" + r.of(kB62, 24);
         },
         "Authorization: Bearer {T}",
         {{"python", "from slack_sdk import WebClient\n\nclient = WebClient(token=\"{T}\")\n"},
          {"js", "const { WebClient } = require('@slack/web-api');\nconst web = new WebClient('{T}');\n"}},
         false, false, "slack.com"});
    add({"slack-user", "Slack", "SLACK_USER_TOKEN", P("xo", "xp-"),
         [](Rng& r) {
           return P("xo", "xp-") + "1" + r.of(kDigits, 11) + "-" + "1" + r.of(kDigits, 11) + "-" + "3" +
                  r.of(kDigits, 12) + "-" + r.of(kHex, 32);
         },
         "Authorization: Bearer {T}", {}, false, false, "slack.com"});
    add({"slack-webhook", "Slack", "SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/",
         [](Rng& r) {
           return "https://hooks.slack.com/services/T" + r.of(kUpAlnum, 10) + "/B" + r.of(kUpAlnum, 10) + "/" +
                  r.of(kB62, 24);
         },
         "", {}, false, false, "hooks.slack.com"});
    // Stripe: sk_live_/rk_live_ + 99 base62 (current) and whsec_ + 32 base62.
    add({"stripe-secret", "Stripe", "STRIPE_SECRET_KEY", P("sk_l", "ive_"),
         [](Rng& r) { return P("sk_l", "ive_") + "51" + r.of(kB62, 97); }, "Authorization: Bearer {T}",
         {{"python", "import stripe\n\nstripe.api_key = \"{T}\"\n"},
          {"js", "const stripe = require('stripe')('{T}');\n"},
          {"php", "<?php\n$stripe = new \\Stripe\\StripeClient('{T}');\n"}},
         false, false, "api.stripe.com"});
    add({"stripe-restricted", "Stripe", "STRIPE_RESTRICTED_KEY", P("rk_l", "ive_"),
         [](Rng& r) { return P("rk_l", "ive_") + "51" + r.of(kB62, 97); }, "Authorization: Bearer {T}", {}, false,
         false, "api.stripe.com"});
    add({"stripe-webhook", "Stripe", "STRIPE_WEBHOOK_SECRET", P("whs", "ec_"),
         [](Rng& r) { return P("whs", "ec_") + r.of(kB62, 32); }, "", {}, false, false, "api.stripe.com"});
    // OpenAI: sk-proj- / sk-svcacct- + 74 base64url + T3BlbkFJ + 74 base64url.
    add({"openai-project", "OpenAI", "OPENAI_API_KEY", P("sk-p", "roj-"),
         [](Rng& r) { return P("sk-p", "roj-") + r.of(kB64Url, 74) + "T3Blbk" "FJ" + r.of(kB64Url, 74); },
         "Authorization: Bearer {T}",
         {{"python", "from openai import OpenAI\n\nclient = OpenAI(api_key=\"{T}\")\n"},
          {"js", "import OpenAI from \"openai\";\n\nconst openai = new OpenAI({ apiKey: \"{T}\" });\n"},
          {"csharp", "var client = new OpenAIClient(\"{T}\");\n"}},
         false, false, "api.openai.com"});
    add({"openai-service-account", "OpenAI", "OPENAI_API_KEY", P("sk-svc", "acct-"),
         [](Rng& r) { return P("sk-svc", "acct-") + r.of(kB64Url, 74) + "T3Blbk" "FJ" + r.of(kB64Url, 74); },
         "Authorization: Bearer {T}", {}, false, false, "api.openai.com"});
    // Anthropic: sk-ant-api03- + 93 base64url + AA; admin keys sk-ant-admin01-.
    add({"anthropic", "Anthropic", "ANTHROPIC_API_KEY", P("sk-ant-", "api03-"),
         [](Rng& r) { return P("sk-ant-", "api03-") + r.of(kB64Url, 93) + "AA"; }, "x-api-key: {T}",
         {{"python", "import anthropic\n\nclient = anthropic.Anthropic(api_key=\"{T}\")\n"},
          {"js", "const anthropic = new Anthropic({ apiKey: '{T}' });\n"}},
         false, false, "api.anthropic.com"});
    add({"anthropic-admin", "Anthropic", "ANTHROPIC_ADMIN_KEY", P("sk-ant-", "admin01-"),
         [](Rng& r) { return P("sk-ant-", "admin01-") + r.of(kB64Url, 93) + "AA"; }, "x-api-key: {T}", {}, false,
         false, "api.anthropic.com"});
    // Google: AIza + 35 base64url; OAuth client secret GOCSPX- + 28.
    add({"google-api-key", "Google", "GOOGLE_API_KEY", P("AI", "za"),
         [](Rng& r) { return P("AI", "zaSy") + r.of(kB64Url, 33); }, "X-Goog-Api-Key: {T}",
         {{"python", "import google.generativeai as genai\n\ngenai.configure(api_key=\"{T}\")\n"}}, false, false,
         "generativelanguage.googleapis.com"});
    add({"google-oauth-secret", "Google", "GOOGLE_CLIENT_SECRET", P("GOC", "SPX-"),
         [](Rng& r) { return P("GOC", "SPX-") + r.of(kB64Url, 28); }, "", {}, false, false, "oauth2.googleapis.com"});
    // SendGrid: SG. + 22 base64url + . + 43 base64url.
    add({"sendgrid", "SendGrid", "SENDGRID_API_KEY", P("S", "G."),
         [](Rng& r) { return P("S", "G.") + r.of(kB64Url, 22) + "." + r.of(kB64Url, 43); }, "Authorization: Bearer {T}",
         {{"python", "from sendgrid import SendGridAPIClient\n\nsg = SendGridAPIClient(\"{T}\")\n"}}, false, false,
         "api.sendgrid.com"});
    // Twilio: API key SID SK + 32 hex; auth token 32 hex beside the account SID.
    add({"twilio-api-key", "Twilio", "TWILIO_API_KEY", P("S", "K"),
         [](Rng& r) { return P("S", "K") + r.of(kHex, 32); }, "", {}, false, false, "api.twilio.com"});
    add({"twilio-auth-token", "Twilio", "TWILIO_AUTH_TOKEN", "", [](Rng& r) { return r.of(kHex, 32); }, "",
         {{"python", "from twilio.rest import Client\n\nclient = Client(\"AC{SID}\", \"{T}\")\n"}}, false, true,
         "api.twilio.com"});
    // npm: npm_ + 30 base62 + CRC32 in 6 base62 (same scheme as GitHub).
    add({"npm", "npm", "NPM_TOKEN", P("np", "m_"),
         [](Rng& r) { std::string b = r.of(kB62, 30); return P("np", "m_") + b + github_crc32_suffix(b); },
         "Authorization: Bearer {T}", {}, true, false, "registry.npmjs.org"});
    // PyPI: pypi- + a macaroon whose first bytes encode "pypi.org".
    add({"pypi", "PyPI", "PYPI_API_TOKEN", P("pypi-", "AgEIcHlwaS5vcmc"),
         [](Rng& r) { return P("pypi-", "AgEIcHlwaS5vcmc") + "CJ" + r.of(kB64Url, 150 + r.below(40)); }, "", {}, false,
         false, "upload.pypi.org"});
    // Hugging Face: hf_ + 34 letters.
    add({"huggingface", "Hugging Face", "HF_TOKEN", P("h", "f_"), [](Rng& r) { return P("h", "f_") + r.of(kLetters, 34); },
         "Authorization: Bearer {T}",
         {{"python", "from huggingface_hub import login\n\nlogin(token=\"{T}\")\n"}}, false, false, "huggingface.co"});
    // DigitalOcean: dop_v1_ + 64 hex.
    add({"digitalocean", "DigitalOcean", "DIGITALOCEAN_TOKEN", P("dop_", "v1_"),
         [](Rng& r) { return P("dop_", "v1_") + r.of(kHex, 64); }, "Authorization: Bearer {T}", {}, false, false,
         "api.digitalocean.com"});
    // Heroku: HRKU-AA + 58 base64url (2024 format).
    add({"heroku", "Heroku", "HEROKU_API_KEY", P("HR", "KU-"),
         [](Rng& r) { return P("HR", "KU-AA") + r.of(kB64Url, 58); }, "Authorization: Bearer {T}", {}, false, false,
         "api.heroku.com"});
    // Shopify: shpat_ + 32 hex.
    add({"shopify", "Shopify", "SHOPIFY_ACCESS_TOKEN", P("shp", "at_"),
         [](Rng& r) { return P("shp", "at_") + r.of(kHex, 32); }, "X-Shopify-Access-Token: {T}", {}, false, false,
         "shop.myshopify.com"});
    // Mailgun: 32 hex - 8 hex - 8 hex (current private keys).
    add({"mailgun", "Mailgun", "MAILGUN_API_KEY", "",
         [](Rng& r) { return r.of(kHex, 32) + "-" + r.of(kHex, 8) + "-" + r.of(kHex, 8); }, "", {}, false, true,
         "api.mailgun.net"});
    // Mailchimp: 32 hex + -us<datacenter>.
    add({"mailchimp", "Mailchimp", "MAILCHIMP_API_KEY", "",
         [](Rng& r) { return r.of(kHex, 32) + "-us" + std::to_string(1 + r.below(20)); }, "", {}, false, false,
         "us1.api.mailchimp.com"});
    // Datadog: API key 32 hex, application key 40 hex; only the name says which.
    add({"datadog-api", "Datadog", "DD_API_KEY", "", [](Rng& r) { return r.of(kHex, 32); }, "DD-API-KEY: {T}",
         {{"python", "from datadog import initialize\n\ninitialize(api_key=\"{T}\")\n"}}, false, true,
         "api.datadoghq.com"});
    add({"datadog-app", "Datadog", "DD_APP_KEY", "", [](Rng& r) { return r.of(kHex, 40); },
         "DD-APPLICATION-KEY: {T}", {}, false, true, "api.datadoghq.com"});
    // New Relic: NRAK- + 27 upper alnum (user key).
    add({"newrelic", "New Relic", "NEW_RELIC_API_KEY", P("NR", "AK-"),
         [](Rng& r) { return P("NR", "AK-") + r.of(kUpAlnum, 27); }, "Api-Key: {T}", {}, false, false,
         "api.newrelic.com"});
    // Sentry: user auth token sntryu_ + 64 hex; DSN with a 32-hex public key.
    add({"sentry-user", "Sentry", "SENTRY_AUTH_TOKEN", P("sntr", "yu_"),
         [](Rng& r) { return P("sntr", "yu_") + r.of(kHex, 64); }, "Authorization: Bearer {T}", {}, false, false,
         "sentry.io"});
    add({"sentry-org", "Sentry", "SENTRY_AUTH_TOKEN", P("sntr", "ys_"),
         [](Rng& r) {
           std::string j = "{\"iat\":17" + r.of(kDigits, 8) + ".5,\"url\":\"https://sentry.io\",\"region_url\":"
                           "\"https://us.sentry.io\",\"org\":\"acme-" + r.of("abcdefghij", 5) + "\"}";
           return P("sntr", "ys_") + b64json(j, false) + "_" + r.of(kB64, 43);
         },
         "Authorization: Bearer {T}", {}, false, false, "sentry.io"});
    // Grafana: service account glsa_ + 32 base62 + _ + 8 hex; Cloud token glc_ + base64 JSON.
    add({"grafana-sa", "Grafana", "GRAFANA_TOKEN", P("gl", "sa_"),
         [](Rng& r) { return P("gl", "sa_") + r.of(kB62, 32) + "_" + r.of(kHex, 8); }, "Authorization: Bearer {T}", {},
         false, false, "grafana.example.net"});
    add({"grafana-cloud", "Grafana", "GRAFANA_CLOUD_TOKEN", P("gl", "c_"),
         [](Rng& r) {
           std::string j = "{\"o\":\"" + r.of(kDigits, 6) + "\",\"n\":\"stack-" + r.of(kDigits, 6) +
                           "-hm-read-metrics\",\"k\":\"" + r.of(kB62, 24) + "\",\"m\":{\"r\":\"prod-us-east-0\"}}";
           return P("gl", "c_") + b64json(j, false);
         },
         "Authorization: Bearer {T}", {}, false, false, "grafana.net"});
    // HashiCorp: Vault service token hvs. + ~90; Terraform Cloud 14 + .atlasv1. + 67.
    add({"vault", "HashiCorp Vault", "VAULT_TOKEN", P("hv", "s."),
         [](Rng& r) { return P("hv", "s.CAESI") + r.of(kB64Url, 86); }, "X-Vault-Token: {T}",
         {{"python", "import hvac\n\nclient = hvac.Client(url=\"https://vault.internal:8200\", token=\"{T}\")\n"}}, false,
         false, "vault.internal"});
    add({"terraform-cloud", "HashiCorp Terraform", "TFE_TOKEN", "",
         [](Rng& r) { return r.of(kB62, 14) + ".atlas" "v1." + r.of(kB64Url, 67); }, "Authorization: Bearer {T}", {},
         false, false, "app.terraform.io"});
    // Doppler: dp.st.<config>. + 43 base62; dp.pt. personal tokens.
    add({"doppler", "Doppler", "DOPPLER_TOKEN", P("dp.", "st."),
         [](Rng& r) { return P("dp.", "st.prd.") + r.of(kB62, 43); }, "", {}, false, false, "api.doppler.com"});
    // Docker Hub: dckr_pat_ + 27 base64url.
    add({"dockerhub", "Docker Hub", "DOCKERHUB_TOKEN", P("dckr", "_pat_"),
         [](Rng& r) { return P("dckr", "_pat_") + r.of(kB64Url, 27); }, "", {}, false, false, "hub.docker.com"});
    // Atlassian: ATATT3 + base64url + = + 8 hex (uppercase).
    add({"atlassian", "Atlassian", "JIRA_API_TOKEN", P("ATAT", "T3"),
         [](Rng& r) { return P("ATAT", "T3xFfGF0") + r.of(kB64Url, 170) + "=" + r.of("0123456789ABCDEF", 8); }, "", {},
         false, false, "acme.atlassian.net"});
    // Azure: Entra client secret (3 chars, digit, Q~, 34), storage key (86 base64 + ==).
    add({"azure-client-secret", "Azure", "AZURE_CLIENT_SECRET", "",
         [](Rng& r) { return r.of(kB62, 3) + r.of(kDigits, 1) + "Q~" + r.of(kB62 + "_~.-", 34); }, "",
         {{"python", "from azure.identity import ClientSecretCredential\n\ncred = ClientSecretCredential(\"{UUID}\", \"{UUID2}\", \"{T}\")\n"}},
         false, false, "login.microsoftonline.com"});
    add({"azure-storage", "Azure", "AZURE_STORAGE_CONNECTION_STRING", "",
         [](Rng& r) { return r.of(kB64, 86) + "=="; }, "", {}, false, false, "core.windows.net"});
    // Cloudflare API token: 40 base64url, only the name tells.
    add({"cloudflare-token", "Cloudflare", "CLOUDFLARE_API_TOKEN", "", [](Rng& r) { return r.of(kB64Url, 40); },
         "Authorization: Bearer {T}", {}, false, true, "api.cloudflare.com"});
    // Tailscale: tskey-auth-k<id>CNTRL-<secret>.
    add({"tailscale", "Tailscale", "TS_AUTHKEY", P("tsk", "ey-"),
         [](Rng& r) { return P("tsk", "ey-auth-k") + r.of(kB62, 11) + "CNTRL-" + r.of(kB62, 33); }, "", {}, false,
         false, "api.tailscale.com"});
    // Linear: lin_api_ + 40 base62.
    add({"linear", "Linear", "LINEAR_API_KEY", P("lin_", "api_"),
         [](Rng& r) { return P("lin_", "api_") + r.of(kB62, 40); }, "Authorization: {T}",
         {{"js", "import { LinearClient } from '@linear/sdk';\n\nconst linear = new LinearClient({ apiKey: '{T}' });\n"}},
         false, false, "api.linear.app"});
    // Notion: ntn_ + 11 digits + 35 base62 (since 2024).
    add({"notion", "Notion", "NOTION_TOKEN", P("nt", "n_"),
         [](Rng& r) { return P("nt", "n_") + r.of(kDigits, 11) + r.of(kB62, 35); }, "Authorization: Bearer {T}",
         {{"js", "const { Client } = require('@notionhq/client');\nconst notion = new Client({ auth: '{T}' });\n"}},
         false, false, "api.notion.com"});
    // Airtable: pat + 14 base62 + . + 64 hex.
    add({"airtable", "Airtable", "AIRTABLE_API_KEY", P("pa", "t"),
         [](Rng& r) { return P("pa", "t") + r.of(kB62, 14) + "." + r.of(kHex, 64); }, "Authorization: Bearer {T}", {},
         false, false, "api.airtable.com"});
    // Figma: figd_ + 40 base64url.
    add({"figma", "Figma", "FIGMA_TOKEN", P("fi", "gd_"), [](Rng& r) { return P("fi", "gd_") + r.of(kB64Url, 40); },
         "X-Figma-Token: {T}", {}, false, false, "api.figma.com"});
    // Postman: PMAK- + 24 hex + - + 34 hex.
    add({"postman", "Postman", "POSTMAN_API_KEY", P("PM", "AK-"),
         [](Rng& r) { return P("PM", "AK-") + r.of(kHex, 24) + "-" + r.of(kHex, 34); }, "X-Api-Key: {T}", {}, false,
         false, "api.getpostman.com"});
    // Discord: bot token = base64(user id) . 6 . 38; webhook URLs.
    add({"discord-bot", "Discord", "DISCORD_TOKEN", "",
         [](Rng& r) {
           return b64json("1" + r.of(kDigits, 18), false) + "." + r.of(kB64Url, 6) + "." + r.of(kB64Url, 38);
         },
         "Authorization: Bot {T}",
         {{"python", "import discord\n\nclient = discord.Client(intents=intents)\nclient.run(\"{T}\")\n"}}, false, false,
         "discord.com"});
    add({"discord-webhook", "Discord", "DISCORD_WEBHOOK_URL", "https://discord.com/api/webhooks/",
         [](Rng& r) { return "https://discord.com/api/webhooks/1" + r.of(kDigits, 18) + "/" + r.of(kB64Url, 68); }, "",
         {}, false, false, "discord.com"});
    // Telegram: bot id : AA + 33 base64url.
    add({"telegram", "Telegram", "TELEGRAM_BOT_TOKEN", "",
         [](Rng& r) { return "7" + r.of(kDigits, 9) + ":AA" + r.of(kB64Url, 33); }, "",
         {{"python", "from telegram.ext import Application\n\napp = Application.builder().token(\"{T}\").build()\n"}},
         false, false, "api.telegram.org"});
    // Square: EAAA + 60 base64url.
    add({"square", "Square", "SQUARE_ACCESS_TOKEN", P("EA", "AA"),
         [](Rng& r) { return P("EA", "AA") + r.of(kB64Url, 60); }, "Authorization: Bearer {T}", {}, false, false,
         "connect.squareup.com"});
    // Databricks: dapi + 32 hex.
    add({"databricks", "Databricks", "DATABRICKS_TOKEN", P("da", "pi"),
         [](Rng& r) { return P("da", "pi") + r.of(kHex, 32); }, "Authorization: Bearer {T}", {}, false, false,
         "adb-1234.azuredatabricks.net"});
    // Supabase: personal access token sbp_ + 40 hex.
    add({"supabase", "Supabase", "SUPABASE_ACCESS_TOKEN", P("sb", "p_"),
         [](Rng& r) { return P("sb", "p_") + r.of(kHex, 40); }, "Authorization: Bearer {T}", {}, false, false,
         "api.supabase.com"});
    // PlanetScale: pscale_tkn_ + 43 base64url.
    add({"planetscale", "PlanetScale", "PLANETSCALE_SERVICE_TOKEN", P("pscale", "_tkn_"),
         [](Rng& r) { return P("pscale", "_tkn_") + r.of(kB64Url, 43); }, "", {}, false, false, "api.planetscale.com"});
    // Fly.io: fo1_ + 43 base64url.
    add({"flyio", "Fly.io", "FLY_API_TOKEN", P("fo", "1_"), [](Rng& r) { return P("fo", "1_") + r.of(kB64Url, 43); },
         "Authorization: Bearer {T}", {}, false, false, "api.fly.io"});
    // age: AGE-SECRET-KEY-1 + 58 bech32 characters.
    add({"age", "age", "SOPS_AGE_KEY", P("AGE-SECRET", "-KEY-1"),
         [](Rng& r) { return P("AGE-SECRET", "-KEY-1") + r.of(kBech32, 58); }, "", {}, false, false, ""});
    // Groq gsk_ + 52; Perplexity pplx- + 48; Replicate r8_ + 37; xAI xai- + 80.
    add({"groq", "Groq", "GROQ_API_KEY", P("gs", "k_"), [](Rng& r) { return P("gs", "k_") + r.of(kB62, 52); },
         "Authorization: Bearer {T}", {{"python", "from groq import Groq\n\nclient = Groq(api_key=\"{T}\")\n"}}, false,
         false, "api.groq.com"});
    add({"perplexity", "Perplexity", "PERPLEXITY_API_KEY", P("pp", "lx-"),
         [](Rng& r) { return P("pp", "lx-") + r.of(kB62, 48); }, "Authorization: Bearer {T}", {}, false, false,
         "api.perplexity.ai"});
    add({"replicate", "Replicate", "REPLICATE_API_TOKEN", P("r", "8_"),
         [](Rng& r) { return P("r", "8_") + r.of(kB62, 37); }, "Authorization: Bearer {T}",
         {{"python", "import replicate\n\nclient = replicate.Client(api_token=\"{T}\")\n"}}, false, false,
         "api.replicate.com"});
    add({"xai", "xAI", "XAI_API_KEY", P("xa", "i-"), [](Rng& r) { return P("xa", "i-") + r.of(kB62, 80); },
         "Authorization: Bearer {T}", {}, false, false, "api.x.ai"});
    // Pinecone: pcsk_ + 5 + _ + 63 base62.
    add({"pinecone", "Pinecone", "PINECONE_API_KEY", P("pc", "sk_"),
         [](Rng& r) { return P("pc", "sk_") + r.of(kB62, 5) + "_" + r.of(kB62, 63); }, "Api-Key: {T}",
         {{"python", "from pinecone import Pinecone\n\npc = Pinecone(api_key=\"{T}\")\n"}}, false, false,
         "api.pinecone.io"});
    // Mapbox secret token: sk. + base64 of {"u":user,"a":id} + . + 22.
    add({"mapbox", "Mapbox", "MAPBOX_SECRET_TOKEN", P("sk.", "eyJ"),
         [](Rng& r) {
           std::string j = "{\"u\":\"acme" + r.of("abcdefghij", 4) + "\",\"a\":\"cl" + r.of(kLowAlnum, 23) + "\"}";
           return "sk." + b64json(j, true) + "." + r.of(kB64Url, 22);
         },
         "", {}, false, false, "api.mapbox.com"});
    // Dynatrace: dt0c01. + 24 + . + 64 upper alnum.
    add({"dynatrace", "Dynatrace", "DT_API_TOKEN", P("dt0", "c01."),
         [](Rng& r) { return P("dt0", "c01.") + r.of(kUpAlnum, 24) + "." + r.of(kUpAlnum, 64); }, "Authorization: Api-Token {T}",
         {}, false, false, "abc123.live.dynatrace.com"});
    // 1Password service account: ops_ + base64 JSON.
    add({"onepassword", "1Password", "OP_SERVICE_ACCOUNT_TOKEN", P("op", "s_eyJ"),
         [](Rng& r) {
           std::string j = "{\"signInAddress\":\"my.1password.com\",\"userAuth\":{\"method\":\"SRPg-4096\",\"alg\":"
                           "\"PBES2g-HS256\",\"iterations\":650000,\"salt\":\"" + r.of(kB64Url, 22) +
                           "\"},\"email\":\"" + r.of(kLowAlnum, 13) + "@1passwordserviceaccounts.com\",\"srpX\":\"" +
                           r.of(kHex, 64) + "\",\"muk\":{\"alg\":\"A256GCM\",\"ext\":true,\"k\":\"" + r.of(kB64Url, 43) +
                           "\",\"key_ops\":[\"encrypt\",\"decrypt\"],\"kty\":\"oct\",\"kid\":\"mp\"},\"secretKey\":\"A3-" +
                           r.of(kUpAlnum, 6) + "\",\"deviceUuid\":\"" + r.of(kLowAlnum, 26) + "\"}";
           return "ops_" + b64json(j, false);
         },
         "", {}, false, false, ""});
    // Package registries: Pulumi pul- + 40 hex; RubyGems rubygems_ + 48 hex; NuGet oy2 + 43.
    add({"pulumi", "Pulumi", "PULUMI_ACCESS_TOKEN", P("pu", "l-"), [](Rng& r) { return P("pu", "l-") + r.of(kHex, 40); },
         "", {}, false, false, "api.pulumi.com"});
    add({"rubygems", "RubyGems", "GEM_HOST_API_KEY", P("rubygem", "s_"),
         [](Rng& r) { return P("rubygem", "s_") + r.of(kHex, 48); }, "Authorization: {T}", {}, false, false,
         "rubygems.org"});
    add({"nuget", "NuGet", "NUGET_API_KEY", P("oy", "2"), [](Rng& r) { return P("oy", "2") + r.of(kLowAlnum, 43); },
         "X-NuGet-ApiKey: {T}", {}, false, false, "api.nuget.org"});
    // CI: Buildkite bkua_ + 40 hex; CircleCI CCIPAT_ + 22 + _ + 40 hex.
    add({"buildkite", "Buildkite", "BUILDKITE_API_TOKEN", P("bk", "ua_"),
         [](Rng& r) { return P("bk", "ua_") + r.of(kHex, 40); }, "Authorization: Bearer {T}", {}, false, false,
         "api.buildkite.com"});
    add({"circleci", "CircleCI", "CIRCLE_TOKEN", P("CCI", "PAT_"),
         [](Rng& r) { return P("CCI", "PAT_") + r.of(kB62, 22) + "_" + r.of(kHex, 40); }, "Circle-Token: {T}", {}, false,
         false, "circleci.com"});
    // Sourcegraph sgp_ + 16 hex + _ + 40 hex; Prefect pnu_ + 36.
    add({"sourcegraph", "Sourcegraph", "SRC_ACCESS_TOKEN", P("sg", "p_"),
         [](Rng& r) { return P("sg", "p_") + r.of(kHex, 16) + "_" + r.of(kHex, 40); }, "Authorization: token {T}", {},
         false, false, "sourcegraph.com"});
    add({"prefect", "Prefect", "PREFECT_API_KEY", P("pn", "u_"), [](Rng& r) { return P("pn", "u_") + r.of(kB62, 36); },
         "Authorization: Bearer {T}", {}, false, false, "api.prefect.cloud"});
    // JFrog reference token: base64 of "reftkn:01:<expiry>:<random>".
    add({"jfrog", "JFrog", "JFROG_ACCESS_TOKEN", P("cmVm", "dGtu"),
         [](Rng& r) { return b64json("reftkn:01:1" + r.of(kDigits, 9) + ":" + r.of(kB62, 27), false); },
         "Authorization: Bearer {T}", {}, false, false, "acme.jfrog.io"});
    // Okta: 00 + 40 base64url, SSWS scheme.
    add({"okta", "Okta", "OKTA_API_TOKEN", "", [](Rng& r) { return "00" + r.of(kB64Url, 40); }, "Authorization: SSWS {T}",
         {}, false, true, "acme.okta.com"});
    // HubSpot private app: pat-na1- + UUID.
    add({"hubspot", "HubSpot", "HUBSPOT_ACCESS_TOKEN", P("pat-", "na1-"),
         [](Rng& r) { return P("pat-", "na1-") + r.uuid(); }, "Authorization: Bearer {T}", {}, false, false,
         "api.hubapi.com"});
    // Newer providers: ngrok authtoken, SonarQube squ_ + 40 hex, OpenRouter sk-or-v1- + 64 hex,
    // LangSmith lsv2_pt_ + 32 hex + _ + 10 hex, ElevenLabs sk_ + 48 hex, NVIDIA nvapi- + 64.
    add({"ngrok", "ngrok", "NGROK_AUTHTOKEN", "",
         [](Rng& r) { return "2" + r.of(kB62, 26) + "_" + r.of("1234567", 1) + r.of(kB62, 20); }, "", {}, false, true,
         "api.ngrok.com"});
    add({"sonarqube", "SonarQube", "SONAR_TOKEN", P("sq", "u_"), [](Rng& r) { return P("sq", "u_") + r.of(kHex, 40); },
         "", {}, false, false, "sonarcloud.io"});
    add({"openrouter", "OpenRouter", "OPENROUTER_API_KEY", P("sk-or", "-v1-"),
         [](Rng& r) { return P("sk-or", "-v1-") + r.of(kHex, 64); }, "Authorization: Bearer {T}", {}, false, false,
         "openrouter.ai"});
    add({"langsmith", "LangSmith", "LANGSMITH_API_KEY", P("lsv2", "_pt_"),
         [](Rng& r) { return P("lsv2", "_pt_") + r.of(kHex, 32) + "_" + r.of(kHex, 10); }, "x-api-key: {T}", {}, false,
         false, "api.smith.langchain.com"});
    add({"elevenlabs", "ElevenLabs", "ELEVENLABS_API_KEY", P("s", "k_"), [](Rng& r) { return P("s", "k_") + r.of(kHex, 48); },
         "xi-api-key: {T}", {}, false, false, "api.elevenlabs.io"});
    add({"nvidia", "NVIDIA", "NVIDIA_API_KEY", P("nva", "pi-"), [](Rng& r) { return P("nva", "pi-") + r.of(kB64Url, 64); },
         "Authorization: Bearer {T}", {}, false, false, "integrate.api.nvidia.com"});
    // Older layouts still found in usual files: GitHub's 40-hex tokens (before 2021), npm's
    // UUID tokens, CircleCI's 40-hex personal tokens; crates.io cio + 32; Google OAuth refresh
    // tokens 1//0 + base64url (gcloud's application default credentials).
    add({"github-legacy", "GitHub", "GITHUB_TOKEN", "", [](Rng& r) { return r.of(kHex, 40); },
         "Authorization: token {T}", {}, false, true, "api.github.com"});
    add({"npm-legacy", "npm", "NPM_TOKEN", "", [](Rng& r) { return r.uuid(); }, "", {}, false, true,
         "registry.npmjs.org"});
    add({"circleci-legacy", "CircleCI", "CIRCLECI_TOKEN", "", [](Rng& r) { return r.of(kHex, 40); }, "Circle-Token: {T}",
         {}, false, true, "circleci.com"});
    add({"crates-io", "crates.io", "CARGO_REGISTRY_TOKEN", P("ci", "o"), [](Rng& r) { return P("ci", "o") + r.of(kB62, 32); },
         "Authorization: {T}", {}, false, false, "crates.io"});
    add({"google-refresh-token", "Google", "GOOGLE_REFRESH_TOKEN", P("1/", "/0"),
         [](Rng& r) { return P("1/", "/0") + r.of("cfg", 1) + r.of(kB64Url, 11) + "CgYIARAAGA" + r.of(kB64Url, 77); }, "", {}, false, false,
         "oauth2.googleapis.com"});
    // Names that tell a shared shape apart: Clerk's sk_live_ keys, DeepSeek's sk- + 32 hex,
    // Azure OpenAI's 32 hex.
    add({"clerk", "Clerk", "CLERK_SECRET_KEY", "", [](Rng& r) { return P("sk_l", "ive_") + r.of(kB62, 42); }, "", {},
         false, true, "api.clerk.com"});
    add({"deepseek", "DeepSeek", "DEEPSEEK_API_KEY", "", [](Rng& r) { return P("s", "k-") + r.of(kHex, 32); },
         "", {{"python", "from openai import OpenAI\n\nclient = OpenAI(api_key=\"{T}\", base_url=\"https://api.deepseek.com\")\n"}},
         false, true, "api.deepseek.com"});
    add({"azure-openai", "Azure", "AZURE_OPENAI_API_KEY", "", [](Rng& r) { return r.of(kHex, 32); }, "",
         {{"python", "from openai import AzureOpenAI\n\nclient = AzureOpenAI(api_key=\"{T}\", api_version=\"2024-10-21\")\n"}},
         false, true, "acme.openai.azure.com"});
    return v;
  }();
  return f;
}


// The files a provider's own tools write the token to (its "usual files"), by family.
const std::map<std::string, std::vector<std::pair<std::string, std::string>>>& usual_files() {
  static const std::map<std::string, std::vector<std::pair<std::string, std::string>>> u = {
      {"github-classic",
       {{"home/.config/gh/hosts.yml", "github.com:\n    users:\n        octocat:\n            oauth_token: {T}\n    git_protocol: https\n    user: octocat\n"},
        {"home/.git-credentials", "https://octocat:{T}@github.com\n"},
        {"app/auth.json", "{\n    \"github-oauth\": {\n        \"github.com\": \"{T}\"\n    }\n}\n"}}},
      {"github-legacy",
       {{"home/.config/hub", "github.com:\n- user: octocat\n  oauth_token: {T}\n  protocol: https\n"}}},
      {"npm",
       {{"app/.npmrc", "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={T}\n"},
        {"app/.yarnrc.yml", "npmRegistryServer: \"https://registry.npmjs.org\"\nnpmAuthToken: \"{T}\"\n"}}},
      {"npm-legacy", {{"app/.npmrc", "always-auth=true\n//registry.npmjs.org/:_authToken={T}\n"}}},
      {"pypi", {{"home/.pypirc", "[distutils]\nindex-servers =\n    pypi\n\n[pypi]\nusername = __token__\npassword = {T}\n"}}},
      {"crates-io", {{"home/.cargo/credentials.toml", "[registry]\ntoken = \"{T}\"\n"}}},
      {"rubygems", {{"home/.gem/credentials", "---\n:rubygems_api_key: {T}\n"}}},
      {"nuget",
       {{"home/.nuget/NuGet/NuGet.Config",
         "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <apikeys>\n    <add key=\"https://www.nuget.org/api/v2/package\" value=\"{T}\" />\n  </apikeys>\n</configuration>\n"}}},
      {"terraform-cloud",
       {{"home/.terraform.d/credentials.tfrc.json", "{\n  \"credentials\": {\n    \"app.terraform.io\": {\n      \"token\": \"{T}\"\n    }\n  }\n}\n"}}},
      {"vault", {{"home/.vault-token", "{T}"}}},
      {"huggingface", {{"home/.cache/huggingface/token", "{T}"}}},
      {"databricks", {{"home/.databrickscfg", "[DEFAULT]\nhost  = https://adb-1234567890123456.7.azuredatabricks.net\ntoken = {T}\n"}}},
      {"digitalocean", {{"home/.config/doctl/config.yaml", "access-token: {T}\ncontext: default\n"}}},
      {"flyio", {{"home/.fly/config.yml", "access_token: {T}\nmetrics_token: \"\"\nsend_metrics: true\n"}}},
      {"ngrok", {{"home/.config/ngrok/ngrok.yml", "version: \"2\"\nauthtoken: {T}\n"}}},
      {"sentry-org", {{"app/.sentryclirc", "[defaults]\norg = acme\nproject = web\n\n[auth]\ntoken={T}\n"}}},
      {"pulumi",
       {{"home/.pulumi/credentials.json",
         "{\n    \"current\": \"https://api.pulumi.com\",\n    \"accessTokens\": {\n        \"https://api.pulumi.com\": \"{T}\"\n    }\n}\n"}}},
      {"circleci", {{"home/.circleci/cli.yml", "host: https://circleci.com\ntoken: {T}\n"}}},
      {"circleci-legacy", {{"home/.circleci/cli.yml", "host: https://circleci.com\nendpoint: graphql-unstable\ntoken: {T}\n"}}},
      {"stripe-secret", {{"home/.config/stripe/config.toml", "[default]\ndevice_name = \"laptop\"\nlive_mode_api_key = '{T}'\n"}}},
      {"google-refresh-token",
       {{"home/.config/gcloud/application_default_credentials.json",
         "{\n  \"account\": \"\",\n  \"client_id\": \"7640553255-abc.apps.googleusercontent.com\",\n  \"refresh_token\": \"{T}\",\n  \"type\": \"authorized_user\"\n}\n"}}},
      {"datadog-api", {{"etc/datadog-agent/datadog.yaml", "## Datadog Agent configuration\napi_key: {T}\nsite: datadoghq.eu\nlogs_enabled: true\n"},
                       {"charts/values.yaml", "datadog:\n  apiKey: {T}\n  site: datadoghq.com\n"}}},
      {"dockerhub", {{"home/.docker/config.json", "{\n  \"auths\": {\n    \"https://index.docker.io/v1/\": {\n      \"auth\": \"{B64USER}\"\n    }\n  }\n}\n"}}},
      {"anthropic", {{"home/.claude/settings.json", "{\n  \"env\": {\n    \"ANTHROPIC_API_KEY\": \"{T}\"\n  }\n}\n"}}},
      {"openai-project", {{"app/.streamlit/secrets.toml", "[openai]\napi_key = \"{T}\"\n"}}},
      {"gitlab-pat", {{"home/.python-gitlab.cfg", "[global]\ndefault = gitlab\n\n[gitlab]\nurl = https://gitlab.com\nprivate_token = {T}\napi_version = 4\n"}}},
      {"slack-bot", {{"app/.slack/config.json", "{\n  \"bot_token\": \"{T}\",\n  \"app_id\": \"A0123BCDEF\"\n}\n"}}},
  };
  return u;
}

// Places a token is kept. {T} token, {ENV} variable name, {env} lower-case, {prov} provider
// slug, {HEADER} the family's header line, {HOST} its API host.
struct Form {
  std::string name, file, text;
  bool needs_header = false;
};

const std::vector<Form>& forms() {
  static const std::vector<Form> f = {
      {"env", ".env", "# {prov}\nAPP_ENV=production\n{ENV}={T}\nLOG_LEVEL=info\n"},
      {"env-quoted", "config/.env.production", "PORT=8080\n{ENV}=\"{T}\"\n"},
      {"shell-export", "scripts/setup.sh", "#!/usr/bin/env bash\nset -euo pipefail\nexport {ENV}='{T}'\n./deploy.sh\n"},
      {"docker-compose", "docker-compose.yml",
       "services:\n  app:\n    image: acme/app:1.4\n    environment:\n      - {ENV}={T}\n      - TZ=UTC\n"},
      {"k8s-secret", "deploy/secret.yaml",
       "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {prov}-credentials\ntype: Opaque\nstringData:\n  {ENV}: \"{T}\"\n"},
      {"k8s-env", "deploy/deployment.yaml",
       "    spec:\n      containers:\n        - name: worker\n          env:\n            - name: {ENV}\n              value: \"{T}\"\n"},
      {"github-actions", ".github/workflows/release.yml",
       "name: release\non: [push]\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    env:\n      {ENV}: {T}\n    steps:\n      - uses: actions/checkout@v4\n"},
      {"gitlab-ci", ".gitlab-ci.yml", "variables:\n  {ENV}: \"{T}\"\n\ndeploy:\n  stage: deploy\n  script:\n    - ./deploy.sh\n"},
      {"terraform", "infra/variables.tf", "variable \"{env}\" {\n  type      = string\n  default   = \"{T}\"\n  sensitive = true\n}\n"},
      {"tfvars", "infra/prod.auto.tfvars", "region = \"eu-west-1\"\n{env} = \"{T}\"\n"},
      {"json-config", "config/settings.json", "{\n  \"service\": \"billing\",\n  \"{ENV}\": \"{T}\",\n  \"retries\": 3\n}\n"},
      {"ecs-task", "ecs/task-definition.json",
       "{\n  \"environment\": [\n    {\n      \"name\": \"{ENV}\",\n      \"value\": \"{T}\"\n    }\n  ]\n}\n"},
      {"xml-appsettings", "App.config",
       "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <appSettings>\n    <add key=\"{ENV}\" value=\"{T}\" />\n  </appSettings>\n</configuration>\n"},
      {"csv-list", "exports/variables.csv", "name,value,environment\n{ENV},{T},production\n"},
      {"python-env", "app/settings.py", "import os\n\n{ENV} = os.environ.get(\"{ENV}\", \"{T}\")\n"},
      {"js-env", "src/config.js", "module.exports = {\n  {env}: process.env.{ENV} || '{T}',\n};\n"},
      {"go-const", "internal/config/config.go", "package config\n\nconst {ENV} = \"{T}\"\n"},
      {"java-const", "src/main/java/com/acme/Config.java",
       "package com.acme;\n\npublic final class Config {\n    public static final String {ENV} = \"{T}\";\n}\n"},
      {"ruby-env", "config/initializers/keys.rb", "ENV[\"{ENV}\"] ||= \"{T}\"\n"},
      {"csharp-env", "src/Startup.cs", "Environment.SetEnvironmentVariable(\"{ENV}\", \"{T}\");\n"},
      {"log-header", "logs/app.log",
       "2025-03-02T10:14:07Z INFO starting worker\n2025-03-02T10:14:08Z DEBUG POST https://{HOST}/v1/items headers: {HEADER}\n",
       true},
      {"curl", "docs/runbook.sh", "curl -sS https://{HOST}/v1/status \\\n  -H \"{HEADER}\"\n", true},
  };
  return f;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string slug(const std::string& s) {
  std::string o;
  for (char c : s)
    if (std::isalnum(static_cast<unsigned char>(c))) o += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

uint64_t line_of(const std::string& text, size_t off) {
  return 1 + std::count(text.begin(), text.begin() + std::min(off, text.size()), '\n');
}

void write(Corpus& c, const std::string& root, const std::string& rel, const std::string& text,
           const std::string& family) {
  std::filesystem::path p = std::filesystem::path(root) / rel;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream o(p, std::ios::binary);
  o << text;
  if (!o) throw std::runtime_error("cannot write " + p.string());
  c.file_family[rel] = family;
}

// Fills a form for a family with value `v` (a token or a look-alike).
std::string fill(const std::string& tmpl, const Family& f, const std::string& v, Rng& r) {
  std::string t = replace_all(tmpl, "{HEADER}", f.header);
  t = replace_all(t, "{HOST}", f.host);
  t = replace_all(t, "{ENV}", f.env);
  t = replace_all(t, "{env}", lower(f.env));
  t = replace_all(t, "{prov}", slug(f.provider));
  t = replace_all(t, "{SID}", r.of(kHex, 32));
  t = replace_all(t, "{UUID}", r.uuid());
  t = replace_all(t, "{UUID2}", r.uuid());
  return replace_all(t, "{T}", v);
}

// The value as it appears in the form, and where the token sits in it (azure-storage and
// similar families are written inside a larger value).
std::string framed(const Family& f, const std::string& token, Rng& r) {
  if (f.name == "azure-storage")
    return "DefaultEndpointsProtocol=https;AccountName=acme" + r.of("abcdefghij", 6) + ";AccountKey=" + token +
           ";EndpointSuffix=core.windows.net";
  return token;
}

std::string flip_case(const std::string& s) {
  bool has_lower = std::any_of(s.begin(), s.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)); });
  std::string o = s;
  for (char& c : o)
    c = has_lower ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                  : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

// Words joined like an identifier, `n` characters long (a name, not a key).
std::string identifier(Rng& r, size_t n, bool camel) {
  static const std::vector<std::string> words = {"token", "secret", "config", "value", "default", "service", "account",
                                                 "deploy", "release", "client", "reference", "provider", "webhook",
                                                 "settings", "production", "staging", "pipeline", "workflow"};
  std::string o;
  while (o.size() < n) {
    std::string w = words[r.below(words.size())];
    if (camel) w[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
    else if (!o.empty()) o += '_';
    o += w;
  }
  return o.substr(0, n);
}

}  // namespace

std::string github_crc32_suffix(const std::string& body) {
  static const std::string a = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  uint32_t v = crc32(body);
  std::string out(6, '0');
  for (int i = 5; i >= 0 && v; --i) {
    out[i] = a[v % 62];
    v /= 62;
  }
  return out;
}

std::vector<std::string> family_names() {
  std::vector<std::string> out;
  for (auto& f : families()) out.push_back(f.name);
  return out;
}

std::string sample_token(const std::string& family, uint64_t seed) {
  Rng r{std::mt19937_64(seed)};
  for (auto& f : families())
    if (f.name == family) return f.gen(r);
  throw std::invalid_argument("no token family " + family);
}

Corpus generate(const std::string& root, uint64_t seed, int forms_per_family) {
  Corpus c;
  Rng r{std::mt19937_64(seed)};
  const auto& fs = forms();
  for (const Family& f : families()) {
    std::string dir = "families/" + f.name + "/";
    // Planted tokens: the family's SDK calls, then forms drawn without repetition.
    auto plant = [&](const std::string& form, const std::string& rel, const std::string& tmpl) {
      std::string token = f.gen(r);
      std::string value = framed(f, token, r);
      std::string text = fill(tmpl, f, value, r);
      // A docker config holds the token inside base64("user:token").
      std::string b64 = keyhound::base64_encode("acme:" + token);
      text = replace_all(text, "{B64USER}", b64);
      size_t at = text.find(token);
      if (at == std::string::npos) at = text.find(b64);
      if (at == std::string::npos) throw std::runtime_error("token not written in " + rel);
      write(c, root, rel, text, f.name);
      bool encoded = text.find(token) == std::string::npos;
      c.labels.push_back({f.name, form, token, rel, line_of(text, at), encoded ? b64 : ""});
    };
    for (auto& [lang, code] : f.sdk) {
      static const std::map<std::string, std::string> ext = {{"python", "py"}, {"js", "js"},   {"go", "go"},
                                                             {"ruby", "rb"},   {"php", "php"}, {"csharp", "cs"}};
      plant("sdk-" + lang, dir + "src/client." + ext.at(lang), code);
    }
    auto uf = usual_files().find(f.name);
    if (uf != usual_files().end()) {
      int k = 0;
      for (auto& [path, tmpl] : uf->second) plant("usual-file", dir + "usual" + std::to_string(k++) + "/" + path, tmpl);
    }
    std::vector<size_t> order(fs.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), r.r);
    int planted = 0;
    for (size_t i : order) {
      if (planted >= forms_per_family) break;
      const Form& form = fs[i];
      if (form.needs_header && f.header.empty()) continue;
      // A bare value without a prefix is only a key by its name: forms that drop the name (a
      // header with a generic scheme) are not fair for it.
      if (form.needs_header && f.needs_name && f.header.find("Bearer") != std::string::npos) continue;
      plant(form.name, dir + form.file, form.text);
      ++planted;
    }

    // Look-alikes, one file per kind, each value next to the family's name in a .env line.
    auto lookalike = [&](const std::string& kind, const std::string& value, const std::string& tmpl = "") {
      std::string rel = dir + "lookalikes/" + kind + (tmpl.empty() ? ".env" : ".txt");
      std::string text = tmpl.empty() ? fill("# {prov}\n{ENV}={T}\n", f, value, r) : fill(tmpl, f, value, r);
      write(c, root, rel, text, f.name);
      c.lookalikes.push_back({f.name, kind, rel});
    };
    std::string t = f.gen(r);
    // A PyPI macaroon has no fixed length, and Clerk publishes none for its keys: a shorter
    // token is not a truncated copy by its shape (docs/provider-corpus.md, Limits).
    if (f.name != "pypi" && f.name != "clerk") lookalike("truncated", framed(f, t.substr(0, t.size() - 5), r));
    if (f.checksum) {
      std::string w = t;
      char& last = w.back();
      last = last == 'A' ? 'B' : 'A';
      lookalike("wrong-checksum", w);
    }
    if (!f.prefix.empty() && f.prefix.find("://") == std::string::npos) {
      std::string p = flip_case(f.prefix);
      if (p != f.prefix) lookalike("prefix-case", p + t.substr(f.prefix.size()));
    }
    lookalike("hash",
              r.of(kHex, 64),
              "# {prov} agent pinned by digest\nimage: {prov}/agent@sha256:{T}\n# checksum of the {prov} CLI download\n"
              "{prov}_cli_sha1: " + r.of(kHex, 40) + "\n      - uses: {prov}/setup-action@" + r.of(kHex, 40) + "\n");
    lookalike("uuid", r.uuid(),
              "{prov}_project_id: {T}\n{prov}_org_id = \"" + r.uuid() + "\"\nrequest_id=" + r.uuid() + " provider={prov}\n");
    std::string ph = f.prefix.empty() || f.prefix.find("://") != std::string::npos ? "" : f.prefix;
    lookalike("placeholder", ph + std::string(t.size() - ph.size(), 'x'),
              "{ENV}={T}\n{ENV}=<your-{prov}-token>\n{ENV}=${{ secrets.{ENV} }}\n{ENV}=\"{{ .Values.{env} }}\"\n{ENV}=" +
                  ph + "1234567890abcdef1234567890abcdef\n");
    lookalike("identifier", ph.empty() ? identifier(r, t.size(), true) : ph + identifier(r, 12, false),
              "{ENV}={T}\n# the variable that holds it is {ENV}\nconst {env}_name = \"{ENV}\";\n" + f.env + "=" +
                  identifier(r, std::min<size_t>(t.size(), 40), true) + "\n");
    // Inside a longer run (a base64 blob, a minified bundle): no token boundary, no token.
    lookalike("embedded", r.of(kB62, 24) + t + r.of(kB62, 24),
              "data:image/png;base64,{T}" + r.of(kB64, 40) + "\n");
    // Masked for display, as consoles and CI logs print it.
    lookalike("masked", ph + std::string(std::max<size_t>(8, t.size() - ph.size() - 4), '*') + t.substr(t.size() - 4),
              "{ENV}={T}\nusing token {T} for {prov}\n");
    // Encrypted with SOPS or Ansible Vault: the name stays, the value is ciphertext.
    lookalike("encrypted", "ENC[AES256_GCM,data:" + r.of(kB64, 44) + "=,iv:" + r.of(kB64, 43) + "=,tag:" + r.of(kB64, 22) +
                               "==,type:str]",
              "{env}: {T}\n{ENV}: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  " + r.of(kHex, 64) + "\n  " + r.of(kHex, 64) + "\n");
    // A documentation example in the spelling providers use: EXAMPLE written into the token.
    if (!f.prefix.empty() && t.size() > f.prefix.size() + 12 && f.prefix.find("://") == std::string::npos) {
      std::string d = t;
      d.replace(d.size() - 9, 7, "EXAMPLE");
      lookalike("doc-example", d);
    }
  }
  return c;
}

void plant_doc_examples(Corpus& c, const std::string& root, const std::vector<std::string>& doc_examples) {
  int n = 0;
  for (const std::string& d : doc_examples) {
    std::string family = "doc-examples";
    for (const Family& f : families())
      if (!f.prefix.empty() && d.rfind(f.prefix, 0) == 0) family = f.name;
    std::string rel = "docs-examples/README-" + std::to_string(n++) + ".md";
    write(c, root, rel, "## Quick start\n\n```sh\nexport API_TOKEN=" + d + "\n```\n", family);
    c.lookalikes.push_back({family, "doc-example", rel});
  }
}

}  // namespace provider_families
