import { h, type Component } from 'vue'
import EmploymentTab from './EmploymentTab.vue'
import LoanTab from './LoanTab.vue'
import RecordTab from './RecordTab.vue'

// The 资金与就业 tabs of the 帮扶 page; each takes the selected area.

type AreaProps = { area: string | undefined }
const records = (kind: 'posts' | 'awards'): Component => (p: AreaProps) => h(RecordTab, { kind, area: p.area })

export const FUNDS_TABS: { name: string; label: string; component: Component }[] = [
  { name: 'loans', label: '小额信贷', component: LoanTab },
  { name: 'posts', label: '公益性岗位', component: records('posts') },
  { name: 'awards', label: '产业奖补', component: records('awards') },
  { name: 'jobs', label: '务工', component: EmploymentTab },
]
