#include "cli/cli_docs.h"

#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "cli/output_options.h"

namespace keyhound {

namespace {

// What the generators need of one CLI11 option.
struct OptionDoc {
  std::vector<std::string> flags;  // "-o", "--output"
  std::string positional;          // name, for a positional argument
  std::string value;               // "TEXT", "" for a flag
  std::vector<std::string> choices;
  std::string description;
};

// CLI11 writes IsMember's set as "{a,b,c}" into the type name: the one place the choices live.
std::vector<std::string> choices_of(const std::string& type_name) {
  std::vector<std::string> out;
  auto open = type_name.find('{');
  auto close = type_name.find('}', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) return out;
  std::stringstream ss(type_name.substr(open + 1, close - open - 1));
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

std::vector<OptionDoc> options_of(const CLI::App& cmd) {
  std::vector<OptionDoc> out;
  for (const CLI::Option* o : cmd.get_options()) {
    if (o->get_group().empty()) continue;  // hidden: for tests and tuning only
    OptionDoc d;
    for (auto& s : o->get_snames()) d.flags.push_back("-" + s);
    for (auto& l : o->get_lnames()) d.flags.push_back("--" + l);
    if (d.flags.empty()) d.positional = o->get_name(true);
    // As CLI11's own help decides whether to show a value: a flag has no type name.
    if (std::string t = o->get_type_name(); o->get_type_size() != 0 && !t.empty()) {
      d.value = t.substr(0, t.find(':'));
      if (d.value.empty()) d.value = "VALUE";
      d.choices = choices_of(t);
    }
    d.description = o->get_description();
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<const CLI::App*> visible_subcommands(const CLI::App& cmd) {
  std::vector<const CLI::App*> out;
  for (const CLI::App* s : cmd.get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); }))
    out.push_back(s);
  return out;
}

// "keyhound rules list" for a nested subcommand.
std::string full_name(const CLI::App& cmd) {
  std::string name;
  for (const CLI::App* a = &cmd; a; a = a->get_parent())
    name = a->get_parent() ? " " + a->get_name() + name : "keyhound" + name;
  return name;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

// ---- roff ----------------------------------------------------------------------------------

std::string roff(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  // A line that starts with . or ' would be read as a request.
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

std::string sentence(const std::string& s) { return s.empty() || s.back() == '.' ? s : s + "."; }

std::string synopsis(const CLI::App& cmd) {
  std::string s = ".B " + roff(full_name(cmd)) + "\n";
  auto subs = visible_subcommands(cmd);
  if (!subs.empty()) return s + "\\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n";
  s += "[\\fIOPTIONS\\fR]";
  for (auto& o : options_of(cmd))
    if (!o.positional.empty()) s += " [\\fI" + roff(o.positional) + "\\fR...]";
  return s + "\n";
}

void write_options(std::ostream& out, const CLI::App& cmd) {
  for (auto& o : options_of(cmd)) {
    out << ".TP\n";
    if (!o.positional.empty()) {
      out << "\\fI" << roff(o.positional) << "\\fR\n";
    } else {
      std::vector<std::string> bold;
      for (auto& f : o.flags) bold.push_back("\\fB" + roff(f) + "\\fR");
      out << join(bold, ", ");
      if (!o.value.empty()) out << " \\fI" << roff(o.value) << "\\fR";
      out << "\n";
    }
    std::string text = o.description;
    if (!o.choices.empty()) text += (text.empty() ? "" : ". ") + std::string("One of: ") + join(o.choices, ", ") + ".";
    out << roff(text) << "\n";
  }
}

// ---- completion tables ----------------------------------------------------------------------

// Every command path in the tree, root first: "" for keyhound, "rules/list" for `rules list`.
struct CommandNode {
  std::string path;
  const CLI::App* app;
};

void collect(const CLI::App& cmd, const std::string& path, std::vector<CommandNode>& out) {
  out.push_back({path, &cmd});
  for (const CLI::App* s : visible_subcommands(cmd))
    collect(*s, path.empty() ? s->get_name() : path + "/" + s->get_name(), out);
}

// Single-quoted for sh, zsh and fish alike ('\'' closes, escapes and reopens; fish needs \').
std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}
std::string fish_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

bool has_positional(const CLI::App& cmd) {
  for (auto& o : options_of(cmd))
    if (!o.positional.empty()) return true;
  return false;
}

// The shared shape of the bash and zsh functions: find the command path from the words before
// the cursor, then offer the value of the option just typed, an option, a subcommand or a file.
std::string walk_cases(const std::vector<CommandNode>& nodes) {
  std::string s;
  for (auto& n : nodes) {
    if (n.path.empty()) continue;
    auto slash = n.path.rfind('/');
    std::string parent = slash == std::string::npos ? "" : n.path.substr(0, slash);
    s += "      " + sh_quote(parent + "/" + n.app->get_name()) + ") kh_path=" + sh_quote(n.path) + " ;;\n";
  }
  return s;
}

std::string bash_script(const std::vector<CommandNode>& nodes) {
  std::ostringstream out;
  out << "# bash completion for keyhound (generated by `keyhound completion bash`)\n"
      << "_keyhound() {\n"
      << "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
      << "  local kh_path=\"\" i w subs=\"\" opts=\"\" vopts=\"\" files=0\n"
      << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      << "    w=\"${COMP_WORDS[i]}\"\n"
      << "    case \"$kh_path/$w\" in\n"
      << walk_cases(nodes) << "    esac\n  done\n"
      << "  case \"$kh_path\" in\n";
  std::ostringstream values;
  for (auto& n : nodes) {
    std::vector<std::string> subs, opts, vopts;
    for (auto* s : visible_subcommands(*n.app)) subs.push_back(s->get_name());
    for (auto& o : options_of(*n.app)) {
      for (auto& f : o.flags) {
        opts.push_back(f);
        if (!o.value.empty()) vopts.push_back(f);
        if (!o.choices.empty())
          values << "    " << sh_quote(n.path + " " + f) << ") COMPREPLY=($(compgen -W "
                 << sh_quote(join(o.choices, " ")) << " -- \"$cur\")); return ;;\n";
      }
    }
    out << "    " << sh_quote(n.path) << ") subs=" << sh_quote(join(subs, " ")) << " opts=" << sh_quote(join(opts, " "))
        << " vopts=" << sh_quote(join(vopts, " ")) << " files=" << (has_positional(*n.app) ? 1 : 0) << " ;;\n";
  }
  out << "  esac\n"
      << "  case \"$kh_path $prev\" in\n" << values.str() << "  esac\n"
      << "  if [[ \" $vopts \" == *\" $prev \"* ]]; then COMPREPLY=($(compgen -f -- \"$cur\")); return; fi\n"
      << "  if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\")); return; fi\n"
      << "  COMPREPLY=($(compgen -W \"$subs\" -- \"$cur\"))\n"
      << "  if [[ $files == 1 ]]; then COMPREPLY+=($(compgen -f -- \"$cur\")); fi\n"
      << "}\n"
      << "complete -o filenames -F _keyhound keyhound\n";
  return out.str();
}

std::string zsh_script(const std::vector<CommandNode>& nodes) {
  std::ostringstream out;
  out << "#compdef keyhound\n"
      << "# zsh completion for keyhound (generated by `keyhound completion zsh`)\n"
      << "_keyhound() {\n"
      << "  local kh_path=\"\" w prev=\"${words[CURRENT-1]}\" files=0\n"
      << "  local -a subs opts vopts\n"
      << "  local i\n"
      << "  for ((i = 2; i < CURRENT; i++)); do\n"
      << "    w=\"${words[i]}\"\n"
      << "    case \"$kh_path/$w\" in\n"
      << walk_cases(nodes) << "    esac\n  done\n"
      << "  case \"$kh_path\" in\n";
  std::ostringstream values;
  for (auto& n : nodes) {
    std::vector<std::string> subs, opts, vopts;
    for (auto* s : visible_subcommands(*n.app)) {
      std::string d = s->get_description();
      subs.push_back(sh_quote(s->get_name() + ":" + d.substr(0, d.find('\n'))));
    }
    for (auto& o : options_of(*n.app)) {
      for (auto& f : o.flags) {
        opts.push_back(sh_quote(f));
        if (!o.value.empty()) vopts.push_back(sh_quote(f));
        if (!o.choices.empty()) {
          std::vector<std::string> q;
          for (auto& c : o.choices) q.push_back(sh_quote(c));
          values << "    " << sh_quote(n.path + " " + f) << ") compadd -- " << join(q, " ") << "; return ;;\n";
        }
      }
    }
    out << "    " << sh_quote(n.path) << ") subs=(" << join(subs, " ") << ") opts=(" << join(opts, " ") << ") vopts=("
        << join(vopts, " ") << ") files=" << (has_positional(*n.app) ? 1 : 0) << " ;;\n";
  }
  out << "  esac\n"
      << "  case \"$kh_path $prev\" in\n" << values.str() << "  esac\n"
      << "  if (( ${vopts[(Ie)$prev]} )); then _files; return; fi\n"
      << "  if [[ $PREFIX == -* ]]; then compadd -- $opts; return; fi\n"
      << "  (( ${#subs} )) && _describe 'command' subs\n"
      << "  (( files )) && _files\n"
      << "}\n"
      << "_keyhound \"$@\"\n";
  return out.str();
}

std::string fish_script(const std::vector<CommandNode>& nodes) {
  std::ostringstream out;
  out << "# fish completion for keyhound (generated by `keyhound completion fish`)\n"
      << "complete -c keyhound -f\n";
  for (auto& n : nodes) {
    // fish has no command path: "seen rules, and seen list" stands for `rules list`, and a
    // command's own subcommands are offered only until one of them is typed.
    std::vector<std::string> parts;
    for (const CLI::App* a = n.app; a->get_parent(); a = a->get_parent()) parts.insert(parts.begin(), a->get_name());
    std::string cond = parts.empty() ? "__fish_use_subcommand" : "";
    for (auto& p : parts) cond += (cond.empty() ? "" : "; and ") + std::string("__fish_seen_subcommand_from ") + p;
    auto subs = visible_subcommands(*n.app);
    std::string subcond = cond;
    if (!parts.empty() && !subs.empty()) {
      std::vector<std::string> names;
      for (auto* s : subs) names.push_back(s->get_name());
      subcond += "; and not __fish_seen_subcommand_from " + join(names, " ");
    }
    for (auto* s : subs) {
      std::string d = s->get_description();
      out << "complete -c keyhound -n " << fish_quote(subcond) << " -a " << fish_quote(s->get_name()) << " -d "
          << fish_quote(d.substr(0, d.find('\n'))) << "\n";
    }
    if (has_positional(*n.app)) out << "complete -c keyhound -n " << fish_quote(cond) << " -F\n";
    for (auto& o : options_of(*n.app)) {
      if (o.flags.empty()) continue;
      out << "complete -c keyhound -n " << fish_quote(cond);
      for (auto& f : o.flags) out << (f.rfind("--", 0) == 0 ? " -l " + f.substr(2) : " -s " + f.substr(1));
      if (!o.choices.empty()) out << " -x -a " << fish_quote(join(o.choices, " "));
      else if (!o.value.empty()) out << " -r -F";
      out << " -d " << fish_quote(o.description) << "\n";
    }
  }
  return out.str();
}

// ---- commands -------------------------------------------------------------------------------

struct DocsArgs {
  std::string shell;
  std::string command;
  std::string dir;
};

int write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  if (!f) {
    print_error(path + ": cannot write");
    return 2;
  }
  return 0;
}

int run_man(const CLI::App& root, const DocsArgs& a) {
  std::vector<const CLI::App*> pages{&root};
  for (auto* c : documented_commands(root)) pages.push_back(c);
  if (!a.dir.empty()) {
    for (auto* p : pages)
      if (int rc = write_file(a.dir + "/" + man_page_name(root, *p), man_page(root, *p))) return rc;
    return 0;
  }
  for (auto* p : pages)
    if ((a.command.empty() && p == &root) || (!a.command.empty() && p != &root && p->get_name() == a.command)) {
      std::cout << man_page(root, *p);
      return 0;
    }
  print_error("man: no command named '" + a.command + "'");
  return 2;
}

}  // namespace

std::vector<const CLI::App*> documented_commands(const CLI::App& root) { return visible_subcommands(root); }

std::string man_page_name(const CLI::App& root, const CLI::App& cmd) {
  return &cmd == &root ? "keyhound.1" : "keyhound-" + cmd.get_name() + ".1";
}

std::string man_page(const CLI::App& root, const CLI::App& cmd) {
  std::ostringstream out;
  std::string name = &cmd == &root ? "keyhound" : "keyhound-" + cmd.get_name();
  std::string title = name;
  for (char& c : title) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string desc = cmd.get_description();
  if (&cmd == &root) desc = desc.substr(desc.find(':') == std::string::npos ? 0 : desc.find(':') + 2);
  out << ".\\\" Generated by `keyhound man` from the command-line definitions; do not edit.\n"
      << ".TH " << roff(title) << " 1 \"\" \"keyhound " << KEYHOUND_VERSION << "\" \"User Commands\"\n"
      << ".SH NAME\n" << roff(name) << " \\- " << roff(desc) << "\n"
      << ".SH SYNOPSIS\n" << synopsis(cmd)
      << ".SH DESCRIPTION\n" << roff(cmd.get_description()) << "\n";
  auto subs = visible_subcommands(cmd);
  if (&cmd == &root) {
    out << ".SH COMMANDS\n";
    for (auto* s : subs)
      out << ".TP\n\\fB" << roff(s->get_name()) << "\\fR\n" << roff(sentence(s->get_description())) << " See \\fB"
          << roff("keyhound-" + s->get_name()) << "\\fR(1).\n";
  }
  if (!options_of(cmd).empty()) {
    out << ".SH OPTIONS\n";
    write_options(out, cmd);
  }
  if (&cmd != &root && !subs.empty()) {
    out << ".SH COMMANDS\n";
    for (auto* s : subs) {
      out << ".SS " << roff(full_name(*s)) << "\n" << roff(s->get_description()) << "\n.PP\n" << synopsis(*s);
      write_options(out, *s);
    }
  }
  out << ".SH EXIT STATUS\n"
      << ".TP\n\\fB0\\fR\nNo findings.\n.TP\n\\fB1\\fR\nFindings were reported.\n"
      << ".TP\n\\fB2\\fR\nUsage or runtime error.\n"
      << ".SH SEE ALSO\n";
  std::vector<std::string> see;
  if (&cmd != &root) see.push_back("\\fBkeyhound\\fR(1)");
  for (auto* s : documented_commands(root))
    if (s != &cmd) see.push_back("\\fB" + roff("keyhound-" + s->get_name()) + "\\fR(1)");
  out << join(see, ", ") << "\n";
  return out.str();
}

std::string completion_script(const CLI::App& root, const std::string& shell) {
  std::vector<CommandNode> nodes;
  collect(root, "", nodes);
  if (shell == "bash") return bash_script(nodes);
  if (shell == "zsh") return zsh_script(nodes);
  if (shell == "fish") return fish_script(nodes);
  throw std::invalid_argument("completion: unknown shell '" + shell + "' (bash, zsh or fish)");
}

void add_docs_commands(CLI::App& app, int* rc) {
  auto a = std::make_shared<DocsArgs>();
  CLI::App* root = &app;
  CLI::App* comp = app.add_subcommand("completion", "Print a shell completion script (bash, zsh or fish)");
  comp->add_option("shell", a->shell, "Shell")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
  comp->callback([a, rc, root] { std::cout << completion_script(*root, a->shell); *rc = 0; });
  // Hidden: the build runs it to generate the installed man pages.
  CLI::App* man = app.add_subcommand("man", "Print the man page of keyhound or of one command")->group("");
  man->add_option("command", a->command, "Command (default: keyhound(1) itself)");
  man->add_option("--dir", a->dir, "Write every page into DIR instead");
  man->callback([a, rc, root] { *rc = run_man(*root, *a); });
}

}  // namespace keyhound
