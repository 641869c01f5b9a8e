// The fast path for delivered CloudTrail log files (`{"Records":[...]}`, gzip): inflate with
// libdeflate, parse and validate with simdjson, and settle here every record that is valid and not
// evidence (most of a trail: read-only successes), counting it without building a JavaScript
// object. Every other record goes back to JavaScript as its own JSON text, and every file this code
// cannot settle completely goes back whole: then src/parse/index.ts reads it as if this did not
// exist. So this file decides only one thing, "valid and dropped", with the same rule as
// dropIfNotEvidence() and keepsEvent() in TypeScript, and in every doubt it says "not mine".
#include <node_api.h>
#include <libdeflate.h>
#include <simdjson.h>
// Node's own OpenSSL (its headers ship with Node's, and its symbols are exported to addons).
#include <openssl/evp.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <charconv>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Rule {
  double startMs, endMs, writeFromMs, sessionFromMs;
};

// One of each per thread: parse workers are threads of one process.
thread_local simdjson::dom::parser parser;
thread_local libdeflate_decompressor* inflater = nullptr;
thread_local std::vector<uint8_t> text;
constexpr size_t kKeepBytes = 64u << 20;

bool digit(char c) { return c >= '0' && c <= '9'; }
int num(std::string_view s, size_t at, size_t n) {
  int v = 0;
  for (size_t i = at; i < at + n; i++) {
    if (!digit(s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t daysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// `YYYY-MM-DDTHH:MM:SSZ` with a real day and time, as epoch ms; false for anything else (which
// TypeScript's parseTime may still accept in another form: then the record is not ours).
bool isoTime(std::string_view s, double& ms) {
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z') return false;
  const int y = num(s, 0, 4), mo = num(s, 5, 2), d = num(s, 8, 2), h = num(s, 11, 2), mi = num(s, 14, 2), sec = num(s, 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return false;
  static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > dim[mo - 1] + (mo == 2 && leap ? 1 : 0)) return false;
  ms = static_cast<double>(daysFromCivil(y, mo, d)) * 86400000.0 + h * 3600000.0 + mi * 60000.0 + sec * 1000.0;
  return true;
}

bool isSessionIssuing(std::string_view n) {
  return n == "AssumeRole" || n == "AssumeRoleWithSAML" || n == "AssumeRoleWithWebIdentity" || n == "GetFederationToken" ||
         n == "GetSessionToken";
}

// isWrite() of src/store/keep.ts: a call is read-only when it says so, is one that changes nothing
// (a sign-in…), or, saying nothing (readOnly -1), is named with a read verb and an upper-case letter.
bool isWrite(std::string_view n, int readOnly) {
  if (readOnly == 1) return false;
  if (n == "ConsoleLogin" || n == "CheckMfa" || n == "SwitchRole" || n == "ExitRole" || n == "RenewRole" || n == "GetSigninToken") return false;
  if (readOnly == 0) return true;
  static constexpr std::string_view verbs[] = {"Get",     "List",    "Describe", "Head",     "Lookup",   "BatchGet", "Search", "Scan",
                                               "Query",   "Select",  "Check",    "Preview",  "Validate", "Simulate", "Estimate", "Test"};
  for (const auto v : verbs) {
    if (n.size() > v.size() && n.substr(0, v.size()) == v && n[v.size()] >= 'A' && n[v.size()] <= 'Z') return false;
  }
  return true;
}

enum class Verdict { Dropped, NotMine };

struct Counts {
  double read = 0, readOnly = 0, failed = 0;
};

// store/data-events.ts: a file's data events by UTC day and group, with the earliest few event ids.
constexpr size_t kDataSamples = 3;
struct DataGroup {
  double dayMs = 0, count = 0, lastMs = 0;
  std::string fields[7];  // account, region, source, name, actorType, actor, errorCode
  std::vector<std::pair<double, std::string>> samples;
};
using DataGroups = std::map<std::string, DataGroup>;

// text() of src/parse/values.ts over an optional member: 1 with a non-empty string, 0 where TypeScript
// sees no text (absent, null, empty, an object, an array, a boolean), -1 for a number (TypeScript
// turns it into text: not ours).
int textOf(const simdjson::dom::element* v, std::string_view& out) {
  if (!v) return 0;
  if (v->is_string()) {
    out = v->get_string().value_unsafe();
    return out.empty() ? 0 : 1;
  }
  return v->is_number() ? -1 : 0;
}

// dataActor() of src/store/data-events.ts: an assumed role's session issuer, else the ARN, the
// invoking service or the principal id. False when a value is one TypeScript would read otherwise.
bool dataActor(std::string_view type, const simdjson::dom::element* arn, const simdjson::dom::element* invokedBy,
               const simdjson::dom::element* principalId, const simdjson::dom::element* sessionContext, std::string_view& actor) {
  actor = {};
  if (type == "AssumedRole" && sessionContext && sessionContext->is_object()) {
    const simdjson::dom::element* issuer = nullptr;
    simdjson::dom::element last;
    // A copy: value_unsafe() refers into the temporary result, gone before a range-for's body runs.
    const simdjson::dom::object context = sessionContext->get_object().value_unsafe();
    for (auto f : context) {
      if (f.key == "sessionIssuer") last = f.value, issuer = &last;
    }
    if (issuer && issuer->is_object()) {
      const simdjson::dom::element* issuerArn = nullptr;
      simdjson::dom::element lastArn;
      const simdjson::dom::object fields = issuer->get_object().value_unsafe();
      for (auto f : fields) {
        if (f.key == "arn") lastArn = f.value, issuerArn = &lastArn;
      }
      const int t = textOf(issuerArn, actor);
      if (t < 0) return false;
      if (t > 0) return true;
    }
  }
  for (const auto* v : {arn, invokedBy, principalId}) {
    const int t = textOf(v, actor);
    if (t < 0) return false;
    if (t > 0) return true;
  }
  actor = {};
  return true;
}

bool ascii(std::string_view s) {
  for (const char ch : s) {
    if (static_cast<unsigned char>(ch) >= 0x80) return false;
  }
  return true;
}

// A string field as the record last set it: null leaves it unset, as JSON.parse + text() would.
struct Field {
  std::string_view s;
  bool set = false;
  bool filled() const { return set && !s.empty(); }
};

// Takes a member's value into `f`; false when it is neither a string nor null (not ours to judge).
bool take(simdjson::dom::element v, Field& f) {
  f.set = false;
  if (v.is_null()) return true;
  if (!v.is_string()) return false;
  f.s = v.get_string().value_unsafe();
  f.set = true;
  return true;
}

// Mirrors dropIfNotEvidence(): valid and not evidence → Dropped (counted); else NotMine.
Verdict judge(simdjson::dom::element rec, const Rule& r, Counts& c, DataGroups& data) {
  if (!rec.is_object()) return Verdict::NotMine;
  Field eventName, eventSource, eventId, eventTime, awsRegion, recipient, errorCode, userType, uiAccount;
  bool hasUi = false;
  int readOnly = -1;  // -1 undefined, 0 false, 1 true
  // isDataEvent(): managementEvent false (or "false"), or eventCategory "Data"; each as last set.
  bool notManagement = false, dataCategory = false;
  simdjson::dom::element uiArn, uiInvokedBy, uiPrincipal, uiSession;
  bool hasArn = false, hasInvokedBy = false, hasPrincipal = false, hasSession = false;
  // Every member in order, so a repeated key ends as its last value, as with JSON.parse.
  const simdjson::dom::object fields = rec.get_object().value_unsafe();
  for (auto field : fields) {
    const std::string_view k = field.key;
    const auto v = field.value;
    Field* f = k == "eventName"            ? &eventName
               : k == "eventSource"        ? &eventSource
               : k == "eventID"            ? &eventId
               : k == "eventTime"          ? &eventTime
               : k == "awsRegion"          ? &awsRegion
               : k == "recipientAccountId" ? &recipient
               : k == "errorCode"          ? &errorCode
                                           : nullptr;
    if (f) {
      if (!take(v, *f)) return Verdict::NotMine;
    } else if (k == "readOnly") {
      readOnly = -1;
      if (v.is_bool()) readOnly = v.get_bool().value_unsafe() ? 1 : 0;
      else if (v.is_string()) {
        const std::string_view b = v.get_string().value_unsafe();
        readOnly = b == "true" ? 1 : b == "false" ? 0 : -1;
      }
    } else if (k == "managementEvent") {
      notManagement = (v.is_bool() && !v.get_bool().value_unsafe()) || (v.is_string() && v.get_string().value_unsafe() == "false");
    } else if (k == "eventCategory") {
      dataCategory = v.is_string() && v.get_string().value_unsafe() == "Data";
    } else if (k == "userIdentity") {
      if (!v.is_object()) return Verdict::NotMine;
      hasUi = true, userType.set = false, uiAccount.set = false;
      hasArn = hasInvokedBy = hasPrincipal = hasSession = false;
      const simdjson::dom::object ui = v.get_object().value_unsafe();
      for (auto uf : ui) {
        Field* g = uf.key == "type" ? &userType : uf.key == "accountId" ? &uiAccount : nullptr;
        if (g && !take(uf.value, *g)) return Verdict::NotMine;
        if (uf.key == "arn") uiArn = uf.value, hasArn = true;
        else if (uf.key == "invokedBy") uiInvokedBy = uf.value, hasInvokedBy = true;
        else if (uf.key == "principalId") uiPrincipal = uf.value, hasPrincipal = true;
        else if (uf.key == "sessionContext") uiSession = uf.value, hasSession = true;
      }
    }
  }
  if (!eventName.filled() || !eventSource.filled() || !eventId.filled()) return Verdict::NotMine;
  double t;
  if (!eventTime.set || !isoTime(eventTime.s, t)) return Verdict::NotMine;
  if (!awsRegion.filled()) return Verdict::NotMine;
  if (!recipient.filled() && !(hasUi && uiAccount.filled())) return Verdict::NotMine;
  const bool failed = errorCode.filled();

  if (notManagement || dataCategory) {
    // Never evidence: counted by day and group (data-events.ts), in or out of the period.
    std::string_view actor;
    if (!dataActor(userType.set ? userType.s : std::string_view{}, hasArn ? &uiArn : nullptr, hasInvokedBy ? &uiInvokedBy : nullptr,
                   hasPrincipal ? &uiPrincipal : nullptr, hasSession ? &uiSession : nullptr, actor) ||
        !ascii(eventId.s)) {
      return Verdict::NotMine;
    }
    const double dayMs = std::floor(t / 86400000.0) * 86400000.0;
    const std::string_view fields[7] = {recipient.filled() ? recipient.s : uiAccount.s, awsRegion.s, eventSource.s, eventName.s,
                                        userType.set ? userType.s : std::string_view{}, actor, failed ? errorCode.s : std::string_view{}};
    std::string key = std::to_string(static_cast<int64_t>(dayMs));
    for (const auto f : fields) key.append(1, '\0').append(f);
    DataGroup& g = data[key];
    if (g.count == 0) {
      g.dayMs = dayMs;
      for (int k = 0; k < 7; k++) g.fields[k] = std::string(fields[k]);
    }
    g.count++;
    g.lastMs = std::max(g.lastMs, t);
    const std::pair<double, std::string> sample{t, std::string(eventId.s)};
    if (std::find(g.samples.begin(), g.samples.end(), sample) == g.samples.end()) {
      g.samples.insert(std::upper_bound(g.samples.begin(), g.samples.end(), sample), sample);
      if (g.samples.size() > kDataSamples) g.samples.pop_back();
    }
  } else {
    // keepsEvent(): true means evidence, which TypeScript builds.
    bool keep;
    if (t >= r.endMs) keep = false;
    else if (isSessionIssuing(eventName.s) && eventSource.s == "sts.amazonaws.com") keep = t >= r.sessionFromMs;
    else if (t < r.writeFromMs) keep = false;
    else if (failed || eventSource.s == "signin.amazonaws.com" || (userType.set && userType.s == "Root")) keep = t >= r.startMs;
    else keep = readOnly != 1;
    if (keep) return Verdict::NotMine;
  }

  c.read++;
  if (failed) c.failed++;
  else if (!isWrite(eventName.s, readOnly)) c.readOnly++;
  return Verdict::Dropped;
}

napi_value undefinedValue(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

// scanTrail(gz: Uint8Array, maxBytes: number, rule: Float64Array[startMs, endMs, writeFromMs, sessionFromMs], maxDepth: number)
//   → undefined (not settled here: read it in TypeScript)
//   | string (inflated, not a log file settled here: TypeScript reads this text, as it would have decoded it)
//   | [records, read, readOnly, failed, sha256, dataGroups, index, json, index, json, …] (sha256: hex
//     of the inflated bytes, what a CloudTrail digest lists; dataGroups: the data events counted, see
//     the end of ScanTrail; then the records left to TypeScript)
napi_value ScanTrail(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 4) return undefinedValue(env);
  napi_typedarray_type type;
  size_t len, ruleLen;
  void* data;
  void* ruleData;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, argv[0], &type, &len, &data, &ab, &off) != napi_ok || type != napi_uint8_array) return undefinedValue(env);
  double maxBytes;
  if (napi_get_value_double(env, argv[1], &maxBytes) != napi_ok) return undefinedValue(env);
  if (napi_get_typedarray_info(env, argv[2], &type, &ruleLen, &ruleData, &ab, &off) != napi_ok || type != napi_float64_array || ruleLen != 4) {
    return undefinedValue(env);
  }
  // simdjson's depth limit (from TypeScript's record limit: see native.ts): a deeper document fails
  // the parse, and its text goes to TypeScript, which rejects the record.
  double maxDepth;
  if (napi_get_value_double(env, argv[3], &maxDepth) != napi_ok || !(maxDepth >= 1 && maxDepth <= simdjson::DEFAULT_MAX_DEPTH)) {
    return undefinedValue(env);
  }
  const auto* rv = static_cast<const double*>(ruleData);
  const Rule rule{rv[0], rv[1], rv[2], rv[3]};
  const auto* in = static_cast<const uint8_t*>(data);

  // Only whole single-member gzip files whose trailer tells the size, within the limit.
  if (len < 18 || in[0] != 0x1f || in[1] != 0x8b) return undefinedValue(env);
  uint32_t isize;
  std::memcpy(&isize, in + len - 4, 4);
  if (isize == 0 || static_cast<double>(isize) > maxBytes) return undefinedValue(env);
  if (!inflater && !(inflater = libdeflate_alloc_decompressor())) return undefinedValue(env);
  // A rare large file must not leave its buffers behind for the rest of the run, however it ends.
  struct Release {
    ~Release() {
      if (text.capacity() <= kKeepBytes) return;
      std::vector<uint8_t>().swap(text);
      parser = simdjson::dom::parser{};
    }
  } release;
  text.resize(static_cast<size_t>(isize) + simdjson::SIMDJSON_PADDING);
  size_t usedIn = 0, got = 0;
  if (libdeflate_gzip_decompress_ex(inflater, in, len, text.data(), isize, &usedIn, &got) != LIBDEFLATE_SUCCESS || usedIn != len ||
      got != isize) {
    return undefinedValue(env);
  }
  // Inflated, but not a log file to settle here: TypeScript reads the text, which is only worth
  // handing over when it is what its own decoding would give (valid UTF-8, no byte-order mark).
  const auto asText = [&]() -> napi_value {
    const char* chars = reinterpret_cast<const char*>(text.data());
    if (got >= 3 && text[0] == 0xef && text[1] == 0xbb && text[2] == 0xbf) return undefinedValue(env);
    if (!simdjson::validate_utf8(chars, got)) return undefinedValue(env);
    napi_value str;
    return napi_create_string_utf8(env, chars, got, &str) == napi_ok ? str : undefinedValue(env);
  };
  size_t at = 0;
  while (at < got && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r')) at++;
  if (at >= got || text[at] != '{') return asText();

  const size_t depth = static_cast<size_t>(maxDepth);
  if (parser.max_depth() != depth && parser.allocate(std::max(parser.capacity(), got), depth) != simdjson::SUCCESS) return asText();
  simdjson::dom::element doc;
  if (parser.parse(text.data(), got, false).get(doc) != simdjson::SUCCESS) return asText();
  simdjson::dom::array records;
  int seen = 0;
  simdjson::dom::object top;
  if (doc.get_object().get(top) != simdjson::SUCCESS) return asText();
  for (auto field : top) {
    if (field.key != "Records") continue;
    if (++seen > 1 || field.value.get_array().get(records) != simdjson::SUCCESS) return asText();
  }
  if (seen != 1) return asText();

  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdLen = 0;
  if (EVP_Digest(text.data(), got, md, &mdLen, EVP_sha256(), nullptr) != 1 || mdLen != 32) return undefinedValue(env);
  char hex[65];
  static const char digits[] = "0123456789abcdef";
  for (unsigned int k = 0; k < 32; k++) {
    hex[2 * k] = digits[md[k] >> 4];
    hex[2 * k + 1] = digits[md[k] & 15];
  }
  napi_value out;
  napi_create_array(env, &out);
  napi_value sha;
  napi_create_string_utf8(env, hex, 64, &sha);
  napi_set_element(env, out, 4, sha);
  Counts c;
  DataGroups dataGroups;
  uint32_t index = 0, slot = 6;
  std::string json;
  for (auto rec : records) {
    if (judge(rec, rule, c, dataGroups) == Verdict::NotMine) {
      json = simdjson::minify(rec);
      napi_value i, s;
      napi_create_uint32(env, index, &i);
      napi_create_string_utf8(env, json.data(), json.size(), &s);
      napi_set_element(env, out, slot++, i);
      napi_set_element(env, out, slot++, s);
    }
    index++;
  }
  const double head[] = {static_cast<double>(index), c.read, c.readOnly, c.failed};
  for (uint32_t k = 0; k < 4; k++) {
    napi_value v;
    napi_create_double(env, head[k], &v);
    napi_set_element(env, out, k, v);
  }
  // [dayMs, account, region, source, name, actorType, actor, errorCode, count, lastMs, time, id, …] each.
  napi_value groups;
  napi_create_array_with_length(env, dataGroups.size(), &groups);
  uint32_t gi = 0;
  for (const auto& [key, g] : dataGroups) {
    napi_value row;
    napi_create_array(env, &row);
    uint32_t at = 0;
    const auto number = [&](double d) {
      napi_value v;
      napi_create_double(env, d, &v);
      napi_set_element(env, row, at++, v);
    };
    const auto string = [&](const std::string& str) {
      napi_value v;
      napi_create_string_utf8(env, str.data(), str.size(), &v);
      napi_set_element(env, row, at++, v);
    };
    number(g.dayMs);
    for (const auto& f : g.fields) string(f);
    number(g.count);
    number(g.lastMs);
    for (const auto& [time, id] : g.samples) number(time), string(id);
    napi_set_element(env, groups, gi++, row);
  }
  napi_set_element(env, out, 5, groups);
  return out;
}

// The two arguments every file function takes.
bool twoArgs(napi_env env, napi_callback_info info, napi_value (&argv)[2]) {
  size_t argc = 2;
  return napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) == napi_ok && argc >= 2;
}

// A string argument as a C string of fewer than N bytes, refused with a NUL inside: that would name
// another path (the part before it), and Node refuses such a path too.
template <size_t N>
bool cString(napi_env env, napi_value v, char (&buf)[N], size_t& len) {
  return napi_get_value_string_utf8(env, v, buf, N, &len) == napi_ok && len + 1 < N && std::strlen(buf) == len;
}

// Closes a file descriptor on the way out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

// readFile(path: string, maxBytes: number) → Buffer, or undefined for anything but a regular file
// of at most maxBytes read whole (then TypeScript's readDeferred tries, and says why it fails).
// One call instead of Node's open, fstat, read and close: an export is hundreds of thousands of
// small files. O_NOFOLLOW: a link swapped in after the walk is refused, as in readDeferred;
// O_NONBLOCK: so is a FIFO, whose open would otherwise wait for a writer (no effect on a file).
napi_value ReadFile(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  char path[4096];
  size_t pathLen;
  if (!twoArgs(env, info, argv) || !cString(env, argv[0], path, pathLen)) return undefinedValue(env);
  double maxBytes;
  if (napi_get_value_double(env, argv[1], &maxBytes) != napi_ok) return undefinedValue(env);
  const Fd file{open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)};
  const int fd = file.fd;
  if (fd < 0) return undefinedValue(env);
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || static_cast<double>(st.st_size) > maxBytes) return undefinedValue(env);
  void* data;
  napi_value buf;
  const size_t size = static_cast<size_t>(st.st_size);
  if (napi_create_buffer(env, size, &data, &buf) != napi_ok) return undefinedValue(env);
  size_t got = 0;
  while (got < size) {
    const ssize_t n = read(fd, static_cast<char*>(data) + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return undefinedValue(env);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got == size) return buf;
  // The file shrank while read: the bytes there were, as readDeferred gives them.
  napi_value copy;
  void* into;
  if (napi_create_buffer_copy(env, got, data, &into, &copy) != napi_ok) return undefinedValue(env);
  return copy;
}

// A number as JavaScript's String(n) writes it, for the integers and times a stat key holds: false
// when this cannot say exactly (then TypeScript does).
bool jsNumber(double v, std::string& out) {
  if (v == 0) {
    out += '0';
    return true;
  }
  // Outside these bounds String(n) switches to exponents; no size, inode or time of a file is there.
  if (!(v > -1e21 && v < 1e21) || (v > -1e-6 && v < 1e-6)) return false;
  char buf[64];
  // The shortest digits that read back as v, in fixed notation: what String(n) writes.
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (r.ec != std::errc()) return false;
  out.append(buf, r.ptr);
  return true;
}

// Node's mtimeMs and ctimeMs: seconds * 1e3 + nanoseconds / 1e6, in doubles.
double timeMs(const timespec& t) { return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6; }

bool jsInteger(uint64_t v, std::string& out) {
  // Past 2^53 a JavaScript number is no longer this integer.
  if (v > (uint64_t{1} << 53)) return false;
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
  return true;
}

// `dev<sep>ino<sep>mtimeMs<sep>ctimeMs` as JavaScript writes Node's lstat values; false when it cannot.
bool identityAndTimes(const struct stat& st, char sep, std::string& out) {
  if (!jsInteger(static_cast<uint64_t>(st.st_dev), out)) return false;
  out += sep;
  if (!jsInteger(static_cast<uint64_t>(st.st_ino), out)) return false;
  out += sep;
  if (!jsNumber(timeMs(st.st_mtim), out)) return false;
  out += sep;
  return jsNumber(timeMs(st.st_ctim), out);
}

// statLines(folder: string, names: string[]) → string, or undefined: the lines store/workspace.ts
// statKey() builds for these files (folder + name, each read where it is listed), joined by '\n',
// exactly as it builds them from Node's lstat: `path\0path\0size\0dev\0ino\0mtimeMs\0ctimeMs`.
// Undefined when a file is not a regular file or cannot be stat'ed, or a value cannot be written
// exactly as JavaScript would: then TypeScript computes the key. fstatat() from the folder looks up
// one name instead of the whole path.
napi_value StatLines(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  char folder[4096];
  size_t folderLen;
  if (!twoArgs(env, info, argv) || !cString(env, argv[0], folder, folderLen)) return undefinedValue(env);
  if (folderLen == 0 || folder[folderLen - 1] != '/') return undefinedValue(env);
  uint32_t count;
  if (napi_get_array_length(env, argv[1], &count) != napi_ok || count == 0) return undefinedValue(env);
  const Fd dir{open(folder, O_PATH | O_DIRECTORY | O_CLOEXEC)};
  if (dir.fd < 0) return undefinedValue(env);
  std::string out;
  out.reserve(count * (2 * folderLen + 160));
  char name[1024];
  for (uint32_t i = 0; i < count; i++) {
    napi_value v;
    size_t nameLen;
    if (napi_get_element(env, argv[1], i, &v) != napi_ok || !cString(env, v, name, nameLen)) return undefinedValue(env);
    if (nameLen == 0 || std::memchr(name, '/', nameLen) != nullptr) return undefinedValue(env);
    struct stat st;
    if (fstatat(dir.fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) return undefinedValue(env);
    if (i > 0) out += '\n';
    for (int twice = 0; twice < 2; twice++) {
      out.append(folder, folderLen);
      out.append(name, nameLen);
      out += '\0';
    }
    if (st.st_size < 0 || !jsInteger(static_cast<uint64_t>(st.st_size), out)) return undefinedValue(env);
    out += '\0';
    if (!identityAndTimes(st, '\0', out)) return undefinedValue(env);
  }
  napi_value result;
  if (napi_create_string_utf8(env, out.data(), out.size(), &result) != napi_ok) return undefinedValue(env);
  return result;
}

// folderSignatures(paths: string) → string, or undefined: for each path (the paths joined by NUL,
// which no path holds) store/plan.ts folderSignature(), `dev:ino:mtimeMs:ctimeMs` of a folder as
// Node's lstat gives them or '' for anything but a folder, joined by NUL. Undefined when a value
// cannot be written exactly as JavaScript would: then TypeScript does it.
napi_value FolderSignatures(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  size_t len;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 1) return undefinedValue(env);
  if (napi_get_value_string_utf8(env, argv[0], nullptr, 0, &len) != napi_ok) return undefinedValue(env);
  std::string paths(len + 1, '\0');
  if (napi_get_value_string_utf8(env, argv[0], paths.data(), paths.size(), &len) != napi_ok) return undefinedValue(env);
  paths.resize(len);
  std::string out;
  size_t at = 0;
  for (bool first = true; at <= paths.size(); first = false) {
    size_t end = paths.find('\0', at);
    if (end == std::string::npos) end = paths.size();
    const std::string path = paths.substr(at, end - at);
    at = end + 1;
    if (!first) out += '\0';
    struct stat st;
    if (path.empty() || lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    if (!identityAndTimes(st, ':', out)) return undefinedValue(env);
  }
  napi_value result;
  if (napi_create_string_utf8(env, out.data(), out.size(), &result) != napi_ok) return undefinedValue(env);
  return result;
}

}  // namespace

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "scanTrail", NAPI_AUTO_LENGTH, ScanTrail, nullptr, &fn);
  napi_set_named_property(env, exports, "scanTrail", fn);
  napi_create_function(env, "readFile", NAPI_AUTO_LENGTH, ReadFile, nullptr, &fn);
  napi_set_named_property(env, exports, "readFile", fn);
  napi_create_function(env, "statLines", NAPI_AUTO_LENGTH, StatLines, nullptr, &fn);
  napi_set_named_property(env, exports, "statLines", fn);
  napi_create_function(env, "folderSignatures", NAPI_AUTO_LENGTH, FolderSignatures, nullptr, &fn);
  napi_set_named_property(env, exports, "folderSignatures", fn);
  return exports;
}
