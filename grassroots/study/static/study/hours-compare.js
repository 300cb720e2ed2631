// The comparison of organizations' study hours: a bar chart of completion rates with the
// average hours, from the numbers the page put in a json_script element.
(function () {
  var box = document.getElementById("study-compare-chart");
  var source = document.getElementById("study-compare-data");
  if (!box || !source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(box);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [box.dataset.labelCompletion, box.dataset.labelAverage] },
    grid: { left: 48, right: 48, bottom: 80, containLabel: true },
    xAxis: { type: "category", data: data.names, axisLabel: { interval: 0, rotate: data.names.length > 6 ? 30 : 0 } },
    yAxis: [
      { type: "value", name: "%", min: 0, max: 100 },
      { type: "value", name: box.dataset.labelAverage, min: 0 }
    ],
    series: [
      { name: box.dataset.labelCompletion, type: "bar", data: data.completion, itemStyle: { color: "#b81c22" } },
      { name: box.dataset.labelAverage, type: "bar", yAxisIndex: 1, data: data.average, itemStyle: { color: "#e0a23b" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
