#include "iig_parser.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace dextlab::iig {

namespace {

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Replaces comments with spaces (keeping newlines) so offsets and line numbers stay valid.
std::string blank_comments(std::string const& text)
{
    std::string out = text;
    size_t i = 0;
    while (i < out.size()) {
        char c = out[i];
        if (c == '"' || c == '\'') {
            char quote = c;
            ++i;
            while (i < out.size() && out[i] != quote && out[i] != '\n') {
                if (out[i] == '\\')
                    ++i;
                ++i;
            }
            ++i;
        } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '/') {
            while (i < out.size() && out[i] != '\n')
                out[i++] = ' ';
        } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '*') {
            while (i < out.size() && !(out[i] == '*' && i + 1 < out.size() && out[i + 1] == '/')) {
                if (out[i] != '\n')
                    out[i] = ' ';
                ++i;
            }
            if (i < out.size()) {
                out[i] = ' ';
                if (i + 1 < out.size())
                    out[i + 1] = ' ';
                i += 2;
            }
        } else {
            ++i;
        }
    }
    return out;
}

int line_of(std::string const& text, size_t offset)
{
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(std::min(offset, text.size())), '\n'));
}

struct Token {
    std::string text;
    bool ident { false };
};

std::vector<Token> tokenize(std::string const& text)
{
    std::vector<Token> tokens;
    size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (is_ident_start(c)) {
            size_t start = i;
            while (i < text.size() && is_ident_char(text[i]))
                ++i;
            tokens.push_back({ text.substr(start, i - start), true });
        } else if (std::isdigit(static_cast<unsigned char>(c))) {
            size_t start = i;
            while (i < text.size() && (is_ident_char(text[i]) || text[i] == '.'))
                ++i;
            tokens.push_back({ text.substr(start, i - start), false });
        } else if (c == ':' && i + 1 < text.size() && text[i + 1] == ':') {
            tokens.push_back({ "::", false });
            i += 2;
        } else if (c == '"' || c == '\'') {
            size_t start = i++;
            while (i < text.size() && text[i] != c) {
                if (text[i] == '\\')
                    ++i;
                ++i;
            }
            ++i;
            tokens.push_back({ text.substr(start, i - start), false });
        } else {
            tokens.push_back({ std::string(1, c), false });
            ++i;
        }
    }
    return tokens;
}

std::string join_tokens(std::vector<Token> const& tokens, size_t begin, size_t end)
{
    std::string out;
    for (size_t i = begin; i < end; ++i) {
        auto const& t = tokens[i].text;
        bool glue_left = t == "::" || t == "," || t == ")" || t == "]" || t == "[" || t == ">";
        bool after_glue = !out.empty() && (out.back() == ':' || out.back() == '(' || out.back() == '[' || out.back() == '<');
        if (!out.empty() && !glue_left && !after_glue)
            out += ' ';
        out += t;
    }
    return out;
}

// Finds the token index of the matching close bracket for tokens[open].
size_t match_bracket(std::vector<Token> const& tokens, size_t open)
{
    std::string const& o = tokens[open].text;
    std::string c = o == "(" ? ")" : o == "[" ? "]" : o == "{" ? "}" : ">";
    int depth = 0;
    for (size_t i = open; i < tokens.size(); ++i) {
        if (tokens[i].text == o)
            ++depth;
        else if (tokens[i].text == c && --depth == 0)
            return i;
    }
    return tokens.size();
}

bool is_availability_macro(std::string const& name)
{
    return name == "AVAILABLE" || name == "API_AVAILABLE" || name == "API_DEPRECATED" || name == "API_UNAVAILABLE"
        || name == "API_DEPRECATED_WITH_REPLACEMENT" || name == "__attribute__" || name == "__API_AVAILABLE"
        || name == "DRIVERKIT_AVAILABLE" || name.starts_with("__IOS_") || name.starts_with("__OSX_");
}

std::set<std::string> const& type_keywords()
{
    static std::set<std::string> const keywords { "int", "char", "long", "short", "unsigned", "signed", "bool",
        "float", "double", "void", "const", "volatile", "struct", "enum", "class" };
    return keywords;
}

Error error_at(std::string const& path, int line, std::string const& message)
{
    return Error::with(path + ":" + std::to_string(line) + ": " + message);
}

ErrorOr<Param> parse_param(std::vector<Token> tokens, std::string const& path, int line)
{
    Param param;
    // Annotations first: TARGET, TYPE(P::Q).
    for (size_t i = 0; i < tokens.size();) {
        if (tokens[i].text == "TARGET") {
            param.target = true;
            tokens.erase(tokens.begin() + static_cast<long>(i));
        } else if (tokens[i].text == "TYPE" && i + 1 < tokens.size() && tokens[i + 1].text == "(") {
            size_t close = match_bracket(tokens, i + 1);
            if (close >= tokens.size())
                return error_at(path, line, "unbalanced TYPE( on a parameter");
            param.type_annotation = join_tokens(tokens, i + 2, close);
            tokens.erase(tokens.begin() + static_cast<long>(i), tokens.begin() + static_cast<long>(close + 1));
        } else {
            ++i;
        }
    }
    // Default value.
    for (size_t i = 0, depth = 0; i < tokens.size(); ++i) {
        auto const& t = tokens[i].text;
        if (t == "(" || t == "[" || t == "<")
            ++depth;
        else if ((t == ")" || t == "]" || t == ">") && depth > 0)
            --depth;
        else if (t == "=" && depth == 0) {
            param.default_value = join_tokens(tokens, i + 1, tokens.size());
            tokens.resize(i);
            break;
        }
    }
    // Array suffix.
    while (tokens.size() >= 2 && tokens.back().text == "]") {
        size_t open = tokens.size() - 1;
        while (open > 0 && tokens[open].text != "[")
            --open;
        param.array_suffix = join_tokens(tokens, open, tokens.size()) + param.array_suffix;
        tokens.resize(open);
    }
    if (tokens.empty())
        return error_at(path, line, "empty parameter");
    bool has_name = tokens.size() >= 2 && tokens.back().ident && !type_keywords().contains(tokens.back().text)
        && tokens[tokens.size() - 2].text != "::";
    if (has_name) {
        param.name = tokens.back().text;
        tokens.pop_back();
    }
    param.type = join_tokens(tokens, 0, tokens.size());
    return param;
}

ErrorOr<Method> parse_method(std::string const& decl, std::string const& path, int line)
{
    auto tokens = tokenize(decl);
    Method method;
    method.line = line;
    size_t open = tokens.size();
    for (size_t i = 0; i < tokens.size(); ++i) {
        if (tokens[i].text == "(") {
            if (i > 0 && is_availability_macro(tokens[i - 1].text)) {
                i = match_bracket(tokens, i);
                continue;
            }
            open = i;
            break;
        }
    }
    if (open == tokens.size() || open == 0 || !tokens[open - 1].ident)
        return error_at(path, line, "expected a method declaration; dextlab-iig supports only methods inside a class "
                                    "(move data members into the class's IVars struct)");
    method.name = tokens[open - 1].text;

    // Prefix: specifiers and the return type.
    std::vector<Token> prefix;
    for (size_t i = 0; i + 1 < open; ++i) {
        auto const& t = tokens[i].text;
        if (t == "virtual")
            method.is_virtual = true;
        else if (t == "static")
            method.is_static = true;
        else if (t == "inline" || t == "explicit")
            continue;
        else if (is_availability_macro(t) && i + 1 < open && tokens[i + 1].text == "(")
            i = match_bracket(tokens, i + 1);
        else
            prefix.push_back(tokens[i]);
    }
    method.return_type = join_tokens(prefix, 0, prefix.size());
    if (method.return_type.empty())
        return error_at(path, line, "method '" + method.name + "' has no return type (constructors are not declared in .iig files)");

    // Parameters.
    size_t close = match_bracket(tokens, open);
    if (close >= tokens.size())
        return error_at(path, line, "unbalanced parentheses in the declaration of '" + method.name + "'");
    std::vector<Token> current;
    int depth = 0;
    auto flush = [&]() -> ErrorOr<void> {
        if (current.empty())
            return {};
        if (current.size() == 1 && current[0].text == "void" && method.params.empty()) {
            current.clear();
            return {};
        }
        method.params.push_back(TRY(parse_param(current, path, line)));
        current.clear();
        return {};
    };
    for (size_t i = open + 1; i < close; ++i) {
        auto const& t = tokens[i].text;
        if (t == "(" || t == "[" || t == "<")
            ++depth;
        else if (t == ")" || t == "]" || t == ">")
            --depth;
        if (t == "," && depth == 0) {
            TRY(flush());
            continue;
        }
        current.push_back(tokens[i]);
    }
    TRY(flush());

    // Trailer: qualifiers and annotations.
    for (size_t i = close + 1; i < tokens.size(); ++i) {
        auto const& t = tokens[i].text;
        if (t == "const")
            method.is_const = true;
        else if (t == "override" || t == "final")
            method.is_override = true;
        else if (t == "LOCAL")
            method.local = true;
        else if (t == "LOCALONLY")
            method.localonly = true;
        else if (t == "KERNEL")
            method.kernel = true;
        else if (t == "LOCALHOST" || t == "REMOTE" || t == "REPLY" || t == "INVOKEREPLY")
            continue;
        else if (t == "=" && i + 1 < tokens.size() && tokens[i + 1].text == "0") {
            method.is_pure = true;
            ++i;
        } else if ((t == "QUEUENAME" || t == "TYPE" || is_availability_macro(t)) && i + 1 < tokens.size() && tokens[i + 1].text == "(") {
            size_t end = match_bracket(tokens, i + 1);
            if (end >= tokens.size())
                return error_at(path, line, "unbalanced " + t + "( after '" + method.name + "'");
            std::string inner = join_tokens(tokens, i + 2, end);
            if (t == "QUEUENAME")
                method.queue_name = inner;
            else if (t == "TYPE")
                method.type_of = inner;
            i = end;
        } else {
            return error_at(path, line, "unexpected '" + t + "' after the parameters of '" + method.name
                    + "'; expected const, override, = 0, LOCAL, LOCALONLY, KERNEL, QUEUENAME(name) or TYPE(Class::Method)");
        }
    }
    return method;
}

ErrorOr<void> parse_class_body(Class& cls, std::string const& body, size_t body_offset, std::string const& clean_text,
    std::string const& path)
{
    size_t i = 0;
    std::vector<std::string> directives; // waiting for the next method
    int if_depth = 0;
    int if_line = 0;
    while (i < body.size()) {
        while (i < body.size() && std::isspace(static_cast<unsigned char>(body[i])))
            ++i;
        if (i >= body.size())
            break;
        int line = line_of(clean_text, body_offset + i);
        if (body[i] == '#') {
            // A preprocessor line (with its continuations) is kept in place; Apple's .iig files put
            // `#if DRIVERKIT_PRIVATE` around methods, and the SDK puts `#if __BLOCKS__` around the
            // block-taking ones.
            size_t end = i;
            while (true) {
                size_t nl = body.find('\n', end);
                if (nl == std::string::npos) {
                    end = body.size();
                    break;
                }
                end = nl + 1;
                if (nl == 0 || body[nl - 1] != '\\')
                    break;
            }
            std::string directive = body.substr(i, end - i);
            while (!directive.empty() && std::isspace(static_cast<unsigned char>(directive.back())))
                directive.pop_back();
            auto words = tokenize(directive.substr(1));
            std::string const keyword = words.empty() ? "" : words[0].text;
            if (keyword == "if" || keyword == "ifdef" || keyword == "ifndef") {
                if (if_depth++ == 0)
                    if_line = line;
            } else if (keyword == "endif") {
                if (--if_depth < 0)
                    return error_at(path, line, "#endif without #if inside class " + cls.name);
            }
            directives.push_back(directive);
            i = end;
            continue;
        }
        // Access specifiers do not restrict the generated class (dexts call methods the SDK marks
        // private or protected), so they are skipped.
        bool skipped = false;
        for (char const* access : { "public", "protected", "private" }) {
            size_t n = std::strlen(access);
            if (body.compare(i, n, access) == 0) {
                size_t j = i + n;
                while (j < body.size() && std::isspace(static_cast<unsigned char>(body[j])))
                    ++j;
                if (j < body.size() && body[j] == ':' && (j + 1 >= body.size() || body[j + 1] != ':')) {
                    i = j + 1;
                    skipped = true;
                }
                break;
            }
        }
        if (skipped)
            continue;
        size_t start = i;
        int depth = 0;
        for (; i < body.size(); ++i) {
            char c = body[i];
            if (c == '(' || c == '[')
                ++depth;
            else if (c == ')' || c == ']')
                --depth;
            else if (c == '{' && depth == 0)
                return error_at(path, line_of(clean_text, body_offset + i),
                    "a body or nested type inside a class is not supported in an .iig file; declare methods only and "
                    "define them in the .cpp");
            else if (c == ';' && depth == 0)
                break;
        }
        if (i >= body.size())
            return error_at(path, line, "declaration is missing its ';'");
        auto method = TRY(parse_method(body.substr(start, i - start), path, line));
        method.directives_before = std::move(directives);
        directives.clear();
        method.conditional = if_depth > 0;
        cls.methods.push_back(std::move(method));
        ++i;
    }
    if (if_depth > 0)
        return error_at(path, if_line, "#if inside class " + cls.name + " is never closed; add #endif before the class's '};'");
    cls.trailing_directives = std::move(directives);
    return {};
}

std::string rewrite_include(std::string const& line, std::vector<std::string>& included)
{
    size_t hash = line.find('#');
    size_t inc = line.find("include", hash);
    if (hash == std::string::npos || inc == std::string::npos)
        return line;
    size_t open = line.find_first_of("<\"", inc);
    if (open == std::string::npos)
        return line;
    char closer = line[open] == '<' ? '>' : '"';
    size_t close = line.find(closer, open + 1);
    if (close == std::string::npos)
        return line;
    std::string target = line.substr(open + 1, close - open - 1);
    if (!target.ends_with(".iig"))
        return line;
    included.push_back(target);
    return line.substr(0, open + 1) + target.substr(0, target.size() - 4) + ".h" + line.substr(close);
}

// `class` that does not start a DriverKit class: `enum class E {...}` and a template parameter
// (`template<class T>`) are C++ the file carries through as text.
bool is_class_key_of_something_else(std::string const& clean, size_t at)
{
    size_t j = at;
    while (j > 0 && std::isspace(static_cast<unsigned char>(clean[j - 1])))
        --j;
    if (j > 0 && (clean[j - 1] == '<' || clean[j - 1] == ','))
        return true;
    size_t word_end = j;
    while (j > 0 && is_ident_char(clean[j - 1]))
        --j;
    return clean.compare(j, word_end - j, "enum") == 0 && word_end - j == 4;
}

} // namespace

ErrorOr<File> parse_iig(std::string const& text, std::string const& path)
{
    File file;
    file.path = path;
    std::string const clean = blank_comments(text);
    std::string pending_text;
    size_t i = 0;
    bool at_line_start = true;
    while (i < clean.size()) {
        char c = clean[i];
        if (at_line_start) {
            size_t j = i;
            while (j < clean.size() && (clean[j] == ' ' || clean[j] == '\t'))
                ++j;
            if (j < clean.size() && clean[j] == '#') {
                // A preprocessor line (with continuations) is copied, .iig includes rewritten.
                size_t end = i;
                while (end < clean.size()) {
                    size_t nl = clean.find('\n', end);
                    if (nl == std::string::npos) {
                        end = clean.size();
                        break;
                    }
                    end = nl + 1;
                    if (nl == 0 || clean[nl - 1] != '\\')
                        break;
                }
                pending_text += rewrite_include(text.substr(i, end - i), file.included_iigs);
                i = end;
                continue;
            }
        }
        if (is_ident_start(c) && (i == 0 || !is_ident_char(clean[i - 1])) && clean.compare(i, 5, "class") == 0
            && (i + 5 >= clean.size() || !is_ident_char(clean[i + 5])) && !is_class_key_of_something_else(clean, i)) {
            size_t brace = clean.find_first_of("{;", i);
            if (brace != std::string::npos && clean[brace] == '{') {
                int line = line_of(clean, i);
                auto header = tokenize(clean.substr(i + 5, brace - i - 5));
                Class cls;
                cls.file = path;
                cls.line = line;
                size_t k = 0;
                std::vector<std::string> names;
                for (; k < header.size() && header[k].text != ":"; ++k) {
                    auto const& t = header[k].text;
                    if (t == "KERNEL")
                        cls.kernel = true;
                    else if (t == "NATIVE")
                        cls.native = true;
                    else if (is_availability_macro(t) && k + 1 < header.size() && header[k + 1].text == "(")
                        k = match_bracket(header, k + 1);
                    else if (header[k].ident && t != "LOCAL" && t != "final")
                        names.push_back(t);
                }
                if (names.empty())
                    return error_at(path, line, "class without a name");
                cls.name = names.back();
                for (++k; k < header.size(); ++k) {
                    auto const& t = header[k].text;
                    if (t == "public" || t == "protected" || t == "private" || t == "virtual")
                        continue;
                    if (t == ",")
                        return error_at(path, line, "class " + cls.name + ": multiple inheritance is not supported in .iig files");
                    if (header[k].ident)
                        cls.super_name = t;
                }
                if (cls.super_name.empty() && cls.name != "OSObject" && cls.name != "OSMetaClassBase")
                    return error_at(path, line, "class " + cls.name + " needs a superclass (e.g. ': public IOService')");
                // Find the closing brace of the class.
                int depth = 0;
                size_t end = brace;
                for (; end < clean.size(); ++end) {
                    if (clean[end] == '{')
                        ++depth;
                    else if (clean[end] == '}' && --depth == 0)
                        break;
                }
                if (end >= clean.size())
                    return error_at(path, line, "class " + cls.name + " is missing its closing '}'");
                TRY(parse_class_body(cls, clean.substr(brace + 1, end - brace - 1), brace + 1, clean, path));
                size_t semi = end + 1;
                while (semi < clean.size() && std::isspace(static_cast<unsigned char>(clean[semi])))
                    ++semi;
                if (semi >= clean.size() || clean[semi] != ';')
                    return error_at(path, line_of(clean, end), "class " + cls.name + " must end with '};'");
                if (!pending_text.empty())
                    file.pieces.push_back({ Piece::Kind::Text, std::move(pending_text), 0 });
                pending_text.clear();
                file.classes.push_back(std::move(cls));
                file.pieces.push_back({ Piece::Kind::Class, "", file.classes.size() - 1 });
                i = semi + 1;
                at_line_start = false;
                continue;
            }
        }
        pending_text += text[i];
        at_line_start = c == '\n';
        ++i;
    }
    if (!pending_text.empty())
        file.pieces.push_back({ Piece::Kind::Text, std::move(pending_text), 0 });
    return file;
}

ErrorOr<File> parse_iig_file(std::string const& path)
{
    std::ifstream in(path);
    if (!in)
        return Error::with(path + ": cannot open the .iig file");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parse_iig(buffer.str(), path);
}

} // namespace dextlab::iig
