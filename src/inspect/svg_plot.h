// Small inline-SVG plots for the HTML report: column charts (histograms), horizontal bar charts
// and line plots with optional log axes. Each returns one <svg class="plot"> element with no
// external resources, so the report opens without network access.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ehrtok::inspect {

// Text made safe inside XML/HTML elements and attribute values.
std::string xml_escape(std::string_view text);

struct Bar {
  std::string label;
  double value = 0;
};

// Vertical columns, one per bar, labels under them (histogram bins, time bins).
std::string svg_column_chart(std::string_view title, const std::vector<Bar>& bars,
                             std::string_view x_label, std::string_view y_label);

// Horizontal bars, labels on the left and values at the bar ends (code types, the row funnel).
std::string svg_bar_chart(std::string_view title, const std::vector<Bar>& bars);

struct Point {
  double x = 0, y = 0;
};

// A line through `points` (x ascending). On a log axis, points with a value <= 0 are skipped.
std::string svg_line_chart(std::string_view title, const std::vector<Point>& points, bool log_x,
                           bool log_y, std::string_view x_label, std::string_view y_label);

}  // namespace ehrtok::inspect
