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
