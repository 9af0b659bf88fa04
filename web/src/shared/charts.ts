// ECharts, trimmed to what the app draws: bar and pie charts on canvas.
import { use } from 'echarts/core'
import { BarChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

use([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export { default as VChart } from 'vue-echarts'

export const CHART_FONT =
  "-apple-system, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif"

/** Charts skip their entry animation when the user asks for reduced motion. */
export const ANIMATE =
  typeof window === 'undefined' || !window.matchMedia('(prefers-reduced-motion: reduce)').matches

/**
 * What every horizontal bar chart of the app shares: font, animation, a value
 * axis along the bottom and the category names down the side (first at the
 * top), and a tooltip giving counts in `unit`.
 */
export function horizontalBars(names: string[], unit: string) {
  return {
    textStyle: { fontFamily: CHART_FONT },
    animation: ANIMATE,
    animationDuration: 300,
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (v: unknown) => `${Number(v).toLocaleString('zh-CN')} ${unit}`,
    },
    xAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { color: '#909399' },
      splitLine: { lineStyle: { color: '#ebeef5' } },
    },
    yAxis: {
      type: 'category',
      // ECharts draws the first category at the bottom.
      data: [...names].reverse(),
      axisTick: { show: false },
      axisLine: { lineStyle: { color: '#dcdfe6' } },
      axisLabel: { color: '#303133', width: 96, overflow: 'truncate' },
    },
  }
}

/** A bar series for `horizontalBars`, values in the same order as the names. */
export function barSeries(name: string, values: number[], color: string, barMaxWidth = 16) {
  return {
    name,
    type: 'bar',
    data: [...values].reverse(),
    barMaxWidth,
    itemStyle: { color, borderRadius: [0, 3, 3, 0] },
    label: { show: true, position: 'right', color: '#606266', fontSize: 11 },
  }
}
