#include "inspect/html_report.h"

#include <array>

#include <fmt/format.h>

#include "inspect/sequence_stats.h"
#include "inspect/svg_plot.h"

namespace ehrtok::inspect {
namespace {

using json = nlohmann::ordered_json;

constexpr const char* kStyle = R"(
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1000px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 36px; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 8px 0; } td, th { padding: 2px 10px; text-align: right; }
th { background: #f3f3f3; } td.text, th.text { text-align: left; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; }
.card b { display: block; font-size: 20px; }
.pass { color: #17823b; font-weight: bold; } .fail { color: #c0262d; font-weight: bold; }
.note { color: #666; font-size: 12px; }
svg.plot { display: block; margin: 10px 0; background: #fff; }
svg.plot .title { font-weight: bold; font-size: 13px; }
svg.plot .tick, svg.plot .axis { font-size: 11px; fill: #444; }
svg.plot .grid { stroke: #e4e4e4; } svg.plot .axis-line { stroke: #888; }
svg.plot .bar { fill: #3b78b5; } svg.plot .line { fill: none; stroke: #3b78b5; stroke-width: 2; }
pre { background: #f7f7f7; padding: 6px; white-space: pre-wrap; }
)";

// Records in <body> whether the plots rendered and whether any script error occurred; the
// end-to-end test reads these attributes from the DOM of a headless browser.
constexpr const char* kRenderProbe = R"(<script>
(function () {
  var errors = 0;
  window.addEventListener('error', function () {
    errors++;
    document.body.setAttribute('data-js-errors', String(errors));
  });
  window.addEventListener('load', function () {
    var plots = document.querySelectorAll('svg.plot');
    var rendered = 0;
    plots.forEach(function (svg) {
      var box = svg.getBoundingClientRect();
      var marks = svg.querySelectorAll('.bar, .line');
      var drawn = false;
      marks.forEach(function (m) {
        var b = m.getBBox();
        if (b.width > 0 && b.height > 0) drawn = true;
      });
      if (box.width > 0 && box.height > 0 && drawn) rendered++;
    });
    document.body.setAttribute('data-plots-total', String(plots.length));
    document.body.setAttribute('data-plots-rendered', String(rendered));
    document.body.setAttribute('data-js-errors', String(errors));
    document.body.setAttribute('data-render-status', 'done');
  });
})();
</script>)";

std::string with_commas(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string count(const json& v) {
  if (v.is_number_unsigned()) return with_commas(v.get<uint64_t>());
  if (v.is_number_integer()) {
    const int64_t n = v.get<int64_t>();
    return n < 0 ? "-" + with_commas(static_cast<uint64_t>(-n)) : with_commas(n);
  }
  if (v.is_number()) return fmt::format("{:.2f}", v.get<double>());
  return v.is_null() ? "" : xml_escape(v.dump());
}

std::string percent(double share) { return fmt::format("{:.1f}%", 100 * share); }

std::string text_of(const json& v) {
  return v.is_string() ? xml_escape(v.get<std::string>()) : count(v);
}

std::string card(std::string_view label, const std::string& value) {
  return fmt::format("<div class=\"card\">{}<b>{}</b></div>", label, value);
}

std::string lengths_section(const json& s, std::string_view what, std::string_view unit) {
  std::string out = fmt::format(
      "<table><tr><th class=\"text\">{}</th><th>count</th><th>min</th><th>p50</th><th>p90</th>"
      "<th>p99</th><th>max</th><th>mean</th></tr><tr><td class=\"text\">{}</td><td>{}</td>"
      "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></table>",
      unit, what, count(s["count"]), count(s["min"]), count(s["p50"]), count(s["p90"]),
      count(s["p99"]), count(s["max"]), count(s["mean"]));
  out += "<table><tr><th class=\"text\">longer than</th><th>count</th><th>share</th></tr>";
  for (const auto& t : s["longer_than"])
    out += fmt::format("<tr><td class=\"text\">{} tokens</td><td>{}</td><td>{}</td></tr>",
                       count(t["tokens"]), count(t["count"]), percent(t["share"].get<double>()));
  out += "</table>";
  std::vector<Bar> bars;
  for (const auto& b : s["histogram_log2"])
    bars.push_back({fmt::format("{}", b["from"].get<uint64_t>()), b["count"].get<double>()});
  return out + svg_column_chart(fmt::format("Tokens per {} (log2 bins)", what), bars,
                                "tokens (bin from this value to twice it; log axis)",
                                std::string(what) + "s");
}

std::string code_types_section(const json& types) {
  std::string out =
      "<table><tr><th class=\"text\">code_type</th><th>tokens</th><th>share</th>"
      "<th>distinct codes</th></tr>";
  std::vector<Bar> bars;
  for (const auto& t : types) {
    out += fmt::format("<tr><td class=\"text\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                       text_of(t["code_type"]), count(t["tokens"]),
                       percent(t["share"].get<double>()), count(t["distinct_codes"]));
    bars.push_back({t["code_type"].get<std::string>(), t["tokens"].get<double>()});
  }
  return out + "</table>" + svg_bar_chart("Tokens per code type", bars);
}

std::string vocabulary_section(const json& v) {
  std::string out =
      fmt::format("<p>Vocabulary size: <b>{}</b> distinct codes, of which {} occur once.</p>",
                  count(v["size"]), count(v["singletons"]));
  std::vector<Point> points;
  for (const auto& p : v["rank_frequency"])
    points.push_back({p[0].get<double>(), p[1].get<double>()});
  out += svg_line_chart("Code frequency by rank (log-log)", points, true, true, "rank",
                        "tokens of the code");
  out +=
      "<table><tr><th>rank</th><th class=\"text\">code</th><th class=\"text\">code_type</th>"
      "<th>tokens</th></tr>";
  for (const auto& c : v["top_codes"])
    out += fmt::format(
        "<tr><td>{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td></tr>",
        count(c["rank"]), text_of(c["code"]), text_of(c["code_type"]), count(c["count"]));
  return out + "</table>";
}

std::string coverage_section(const json& c) {
  std::string out = fmt::format(
      "<p>The {} lab items of top_200_labs cover <b>{:.2f}%</b> of the lab rows with an "
      "admission ({} rows).</p>",
      count(c["items"]), c["coverage_pct"].get<double>(), count(c["lab_rows_covered"]));
  std::vector<Point> points;
  double rank = 0;
  for (const auto& pct : c["cumulative_pct"]) points.push_back({++rank, pct.get<double>()});
  return out + svg_line_chart("Cumulative coverage of lab rows by item rank", points, false, false,
                              "item rank", "% of admitted lab rows");
}

std::string time_bins_section(const json& bins, const json& lab_bins) {
  std::string out =
      "<table><tr><th class=\"text\">bin</th><th>time-bin tokens</th><th>events in the bin</th>"
      "</tr>";
  std::vector<Bar> events;
  for (const auto& b : bins) {
    out += fmt::format("<tr><td class=\"text\">{}</td><td>{}</td><td>{}</td></tr>",
                       text_of(b["name"]), count(b["tokens"]), count(b["events"]));
    events.push_back({b["name"].get<std::string>(), b["events"].get<double>()});
  }
  out += "</table>";
  out += svg_column_chart("Events per time bin", events, "time since admission", "events");
  std::vector<Bar> labs;
  for (const auto& b : lab_bins)
    labs.push_back({b["bin"].get<std::string>(), b["tokens"].get<double>()});
  return out + svg_column_chart("Lab tokens per value bin", labs, "value bin", "lab tokens");
}

std::string funnel_section(const json& f) {
  std::vector<Bar> steps;
  for (const auto& s : f["steps"])
    steps.push_back({s["label"].get<std::string>(), s["rows"].get<double>()});
  std::string out = svg_bar_chart("Rows from input to tokens", steps);
  out += fmt::format("<p>Time-bin tokens added: {}. Accounting {}.</p>",
                     count(f["time_bin_tokens_added"]),
                     f["balanced"].get<bool>() ? "<span class=\"pass\">balances</span>"
                                               : "<span class=\"fail\">does not balance</span>");
  for (const auto& u : f["unbalanced"]) out += "<pre>" + text_of(u) + "</pre>";
  out +=
      "<table><tr><th class=\"text\">after</th><th class=\"text\">asset</th>"
      "<th class=\"text\">dropped by rule</th><th>rows</th></tr>";
  for (const auto& d : f["drops"])
    out += fmt::format(
        "<tr><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td>"
        "<td>{}</td></tr>",
        text_of(d["after"]), text_of(d["asset"]), text_of(d["reason"]), count(d["rows"]));
  out +=
      "</table><table><tr><th class=\"text\">asset</th><th>rows in</th><th>rows out</th>"
      "<th>seconds</th></tr>";
  for (const auto& a : f["assets"])
    out += fmt::format("<tr><td class=\"text\">{}</td><td>{}</td><td>{}</td><td>{:.3f}</td></tr>",
                       text_of(a["name"]), count(a["rows_in"]), count(a["rows_out"]),
                       a["seconds"].get<double>());
  out += "</table>";
  if (!f["missing_assets"].empty())
    out += "<p class=\"note\">Not in run_report.json: " + text_of(f["missing_assets"]) + "</p>";
  return out;
}

std::string checks_section(const json& c) {
  std::string out =
      "<table><tr><th class=\"text\">check</th><th class=\"text\">result</th><th>checked</th>"
      "<th>failures</th><th class=\"text\">rule</th></tr>";
  std::string details;
  for (const auto& k : c["checks"]) {
    const bool passed = k["passed"].get<bool>();
    out += fmt::format(
        "<tr><td class=\"text\">{}</td><td class=\"text {}\">{}</td><td>{}</td><td>{}</td>"
        "<td class=\"text\">{}</td></tr>",
        text_of(k["name"]), passed ? "pass" : "fail", passed ? "PASS" : "FAIL", count(k["checked"]),
        count(k["failures"]), text_of(k["rule"]));
    if (!passed) {
      details += "<p><b>" + text_of(k["name"]) + "</b>: first offending rows</p><pre>";
      for (const auto& f : k["first_failures"]) details += text_of(f) + "\n";
      details += "</pre>";
    }
  }
  return out + "</table>" + details;
}

}  // namespace

json report_json(std::string_view output_dir, json sequences, json funnel,
                 const std::vector<CheckResult>& checks) {
  return {{"ehrtok_version", EHRTOK_VERSION},
          {"output_dir", output_dir},
          {"sequences", std::move(sequences)},
          {"row_funnel", std::move(funnel)},
          {"checks", checks_json(checks)}};
}

std::string html_report(const json& report) {
  const json& s = report["sequences"];
  const json& checks = report["checks"];
  size_t passed = 0;
  for (const auto& k : checks["checks"]) passed += k["passed"].get<bool>();
  std::string body;
  body += fmt::format("<h1>ehrtok report</h1><p class=\"note\">{} · ehrtok {}</p>",
                      text_of(report["output_dir"]), text_of(report["ehrtok_version"]));
  body += "<div class=\"cards\">" + card("patients", count(s["patients"])) +
          card("admissions", count(s["admissions"])) + card("tokens", count(s["tokens"])) +
          card("vocabulary", count(s["vocabulary"]["size"])) +
          card("checks passed", fmt::format("{} / {}", passed, checks["checks"].size())) + "</div>";
  if (s["admissions_without_tokens"].get<uint64_t>() > 0)
    body += fmt::format(
        "<p class=\"note\">{} admissions of stg_admissions have no tokens and are "
        "not counted below.</p>",
        count(s["admissions_without_tokens"]));
  const bool all_passed = checks["passed"].get<bool>();
  const std::vector<std::array<std::string, 3>> sections = {
      // id, heading, content
      {"admissions", "Tokens per admission",
       lengths_section(s["tokens_per_admission"], "admission", "tokens")},
      {"patients", "Tokens per patient",
       lengths_section(s["tokens_per_patient"], "patient", "tokens")},
      {"code-types", "Code types", code_types_section(s["code_types"])},
      {"vocabulary", "Vocabulary", vocabulary_section(s["vocabulary"])},
      {"coverage", "Top-200 lab coverage", coverage_section(s["top_200_coverage"])},
      {"bins", "Time bins and lab value bins",
       time_bins_section(s["time_bins"], s["lab_value_bins"])},
      {"funnel", "Row accounting (run_report.json)", funnel_section(report["row_funnel"])},
      {"checks",
       fmt::format("Data-quality checks: <span class=\"{}\">{}</span>",
                   all_passed ? "pass" : "fail", all_passed ? "all passed" : "some failed"),
       checks_section(checks)},
  };
  body += "<p class=\"note\">";
  for (const auto& [id, heading, content] : sections)
    body += fmt::format("<a href=\"#{}\">{}</a> · ", id, heading);
  body += "</p>";
  for (const auto& [id, heading, content] : sections)
    body += fmt::format("<h2 id=\"{}\">{}</h2>{}", id, heading, content);
  body += "<p class=\"note\">Percentiles: " + text_of(s["percentile_definition"]) +
          ". The same figures are in report.json next to this file.</p>";
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>ehrtok report</title><style>{}</style></head>\n<body>{}\n{}\n</body></html>\n",
      kStyle, kRenderProbe, body);
}

}  // namespace ehrtok::inspect
