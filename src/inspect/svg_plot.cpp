#include "inspect/svg_plot.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace ehrtok::inspect {
namespace {

constexpr double kWidth = 640;
constexpr double kLeft = 64, kRight = 16, kTop = 28, kBottom = 48;

// 1234 -> "1234", 12345 -> "12.3k", 2500000 -> "2.5M", 0.25 -> "0.25".
std::string short_number(double v) {
  const double a = std::fabs(v);
  if (a >= 1e9) return fmt::format("{:.3g}G", v / 1e9);
  if (a >= 1e6) return fmt::format("{:.3g}M", v / 1e6);
  if (a >= 1e4) return fmt::format("{:.3g}k", v / 1e3);
  if (a == std::floor(a)) return fmt::format("{:.0f}", v);
  return fmt::format("{:.3g}", v);
}

// A step of 1, 2 or 5 times a power of ten giving about `ticks` intervals up to `max`.
double nice_step(double max, int ticks) {
  if (max <= 0) return 1;
  const double raw = max / ticks;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (raw <= m * power) return m * power;
  return 10 * power;
}

std::string svg_open(std::string_view title, double height) {
  return fmt::format(
      "<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
      "aria-label=\"{0}\" width=\"{1}\" height=\"{2}\" viewBox=\"0 0 {1} {2}\">"
      "<title>{0}</title><text class=\"title\" x=\"{3}\" y=\"18\">{0}</text>",
      xml_escape(title), kWidth, height, kLeft);
}

std::string axis_labels(std::string_view x_label, std::string_view y_label, double height) {
  return fmt::format(
      "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>"
      "<text class=\"axis\" transform=\"translate(14 {}) rotate(-90)\" "
      "text-anchor=\"middle\">{}</text>",
      kLeft + (kWidth - kLeft - kRight) / 2, height - 6, xml_escape(x_label),
      kTop + (height - kTop - kBottom) / 2, xml_escape(y_label));
}

// Horizontal grid lines and labels of a linear y axis from 0 to max.
std::string linear_y_axis(double max, double height, double& axis_max) {
  const double step = nice_step(max, 4);
  axis_max = std::max(step, std::ceil(max / step) * step);
  const double plot_h = height - kTop - kBottom;
  std::string out;
  for (double v = 0; v <= axis_max * (1 + 1e-9); v += step) {
    const double y = kTop + plot_h * (1 - v / axis_max);
    out += fmt::format(
        "<line class=\"grid\" x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\"/>"
        "<text class=\"tick\" x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>",
        kLeft, kWidth - kRight, y, kLeft - 4, y + 4, short_number(v));
  }
  return out;
}

struct Scale {
  bool log = false;
  double lo = 0, hi = 1;
  double at(double v, double from, double to) const {
    const double t = log ? (std::log10(v) - lo) / (hi - lo) : (v - lo) / (hi - lo);
    return from + (to - from) * (hi == lo ? 0.5 : t);
  }
  // Powers of ten on a log axis, 1-2-5 steps on a linear one.
  std::vector<double> ticks() const {
    std::vector<double> t;
    if (log) {
      for (double e = std::ceil(lo); e <= hi + 1e-9; ++e) t.push_back(std::pow(10.0, e));
    } else {
      const double step = nice_step(hi - lo, 4);
      for (double v = std::ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) t.push_back(v);
    }
    return t;
  }
};

Scale scale_of(const std::vector<double>& values, bool log) {
  Scale s{log, 0, 1};
  if (values.empty()) return s;
  const auto [mn, mx] = std::minmax_element(values.begin(), values.end());
  if (log) {
    s.lo = std::floor(std::log10(*mn));
    s.hi = std::max(s.lo + 1, std::ceil(std::log10(*mx)));
  } else {
    s.lo = std::min(0.0, *mn);
    s.hi = *mx > s.lo ? *mx : s.lo + 1;
    const double step = nice_step(s.hi - s.lo, 4);
    s.hi = s.lo + std::ceil((s.hi - s.lo) / step) * step;  // end on a tick
  }
  return s;
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string svg_column_chart(std::string_view title, const std::vector<Bar>& bars,
                             std::string_view x_label, std::string_view y_label) {
  constexpr double height = 300;
  double max = 0;
  for (const auto& b : bars) max = std::max(max, b.value);
  double axis_max;
  std::string out = svg_open(title, height) + linear_y_axis(max, height, axis_max);
  const double plot_w = kWidth - kLeft - kRight, plot_h = height - kTop - kBottom;
  const double slot = bars.empty() ? plot_w : plot_w / static_cast<double>(bars.size());
  // Labels of narrow columns would overlap: label every k-th column.
  const size_t every = std::max<size_t>(1, static_cast<size_t>(std::ceil(44 / slot)));
  for (size_t i = 0; i < bars.size(); ++i) {
    const double h = plot_h * bars[i].value / axis_max;
    const double x = kLeft + slot * static_cast<double>(i);
    out += fmt::format(
        "<rect class=\"bar\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\">"
        "<title>{}: {}</title></rect>",
        x + slot * 0.1, kTop + plot_h - h, slot * 0.8, h, xml_escape(bars[i].label),
        short_number(bars[i].value));
    if (i % every == 0)
      out += fmt::format(
          "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" "
          "text-anchor=\"middle\">{}</text>",
          x + slot / 2, kTop + plot_h + 14, xml_escape(bars[i].label));
  }
  out += fmt::format("<line class=\"axis-line\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>",
                     kLeft, kWidth - kRight, kTop + plot_h);
  return out + axis_labels(x_label, y_label, height) + "</svg>";
}

std::string svg_bar_chart(std::string_view title, const std::vector<Bar>& bars) {
  constexpr double row = 24;
  const double height = kTop + row * static_cast<double>(bars.size()) + 12;
  size_t longest = 0;
  for (const auto& b : bars) longest = std::max(longest, b.label.size());
  const double left = std::clamp(7.0 * static_cast<double>(longest) + 12, 80.0, 300.0);
  const double plot_w = kWidth - left - 80;
  double max = 0;
  for (const auto& b : bars) max = std::max(max, b.value);
  std::string out = svg_open(title, height);
  for (size_t i = 0; i < bars.size(); ++i) {
    const double y = kTop + row * static_cast<double>(i);
    const double w = max > 0 ? plot_w * bars[i].value / max : 0;
    out += fmt::format(
        "<text class=\"tick\" x=\"{0:.1f}\" y=\"{1:.1f}\" text-anchor=\"end\">{2}</text>"
        "<rect class=\"bar\" x=\"{3:.1f}\" y=\"{4:.1f}\" width=\"{5:.1f}\" height=\"{6:.1f}\">"
        "<title>{2}: {7}</title></rect>"
        "<text class=\"tick\" x=\"{8:.1f}\" y=\"{1:.1f}\">{7}</text>",
        left - 6, y + row * 0.65, xml_escape(bars[i].label), left, y + row * 0.15, std::max(w, 1.0),
        row * 0.7, short_number(bars[i].value), left + std::max(w, 1.0) + 4);
  }
  return out + "</svg>";
}

std::string svg_line_chart(std::string_view title, const std::vector<Point>& points, bool log_x,
                           bool log_y, std::string_view x_label, std::string_view y_label) {
  constexpr double height = 320;
  std::vector<Point> kept;
  for (const auto& p : points)
    if ((!log_x || p.x > 0) && (!log_y || p.y > 0)) kept.push_back(p);
  std::vector<double> xs, ys;
  for (const auto& p : kept) {
    xs.push_back(p.x);
    ys.push_back(p.y);
  }
  const Scale sx = scale_of(xs, log_x), sy = scale_of(ys, log_y);
  const double x0 = kLeft, x1 = kWidth - kRight, y0 = height - kBottom, y1 = kTop;
  std::string out = svg_open(title, height);
  for (double v : sx.ticks()) {
    const double x = sx.at(v, x0, x1);
    out += fmt::format(
        "<line class=\"grid\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\"/>"
        "<text class=\"tick\" x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>",
        x, y1, y0, y0 + 14, short_number(v));
  }
  for (double v : sy.ticks()) {
    const double y = sy.at(v, y0, y1);
    out += fmt::format(
        "<line class=\"grid\" x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\"/>"
        "<text class=\"tick\" x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>",
        x0, x1, y, x0 - 4, y + 4, short_number(v));
  }
  std::string path;
  for (const auto& p : kept)
    path += fmt::format("{}{:.1f},{:.1f}", path.empty() ? "M" : " L", sx.at(p.x, x0, x1),
                        sy.at(p.y, y0, y1));
  if (kept.size() == 1) path += fmt::format(" l0.1,0");  // a lone point still draws
  out += fmt::format("<path class=\"line\" d=\"{}\"/>", path);
  return out + axis_labels(x_label, y_label, height) + "</svg>";
}

}  // namespace ehrtok::inspect
