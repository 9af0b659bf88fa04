// Shapes of the JSON served by the fangpin server under /api.

export type AreaLevel = 'province' | 'city' | 'county' | 'township' | 'village' | 'group'

export interface Meta {
  system: string
  version: string
  county: { code: string; name: string } | null
  demo: boolean
  data_year: number | null
}

export interface AreaCounts {
  households: number
  persons: number
  poverty_households: number
  monitored_households: number
  /** Monitored households whose risk is not yet eliminated (风险未消除); newer servers only. */
  unresolved_households?: number
}

export interface AreaNode extends AreaCounts {
  code: string
  name: string
  level: AreaLevel
  children?: AreaNode[]
}

export interface AreaTree {
  root: AreaNode | null
}

export interface CodeCount {
  code: string
  label: string
  households: number
}

export interface AreaChild extends AreaCounts {
  code: string
  name: string
  level: AreaLevel
}

export interface AreaSummary extends AreaCounts {
  code: string
  name: string
  level: AreaLevel
  by_category: CodeCount[]
  by_household_type: CodeCount[]
  children: AreaChild[]
}

/** Error body of every 4xx/5xx answer. */
export interface ApiErrorBody {
  code: string
  message: string
}
