// 走访 and 集中排查: the types of /api/visits and /api/campaigns and the calls.
import { request } from './client'
import type {
  CampaignBody,
  CampaignProgress,
  Created,
  ItemsCampaignRow,
  ItemsPendingTarget,
  ItemsPhotoMeta,
  LeadOpened,
  PageVisitRow,
  Redraw,
  VisitBody,
  VisitOptions,
  VisitQuery,
} from './types'

export const visitsApi = {
  options: (signal?: AbortSignal) => request<VisitOptions>('api/visits/options', { signal }),
  list: (q: VisitQuery, signal?: AbortSignal) =>
    request<PageVisitRow>('api/visits', {
      query: { ...q, mine: q.mine ? 'true' : undefined, risk_pending: q.risk_pending ? 'true' : undefined },
      signal,
    }),
  record: (v: VisitBody) => request<Created>('api/visits', { method: 'POST', body: v }),
  raiseLead: (id: number, greenChannel = false) =>
    request<LeadOpened>(`api/visits/${id}/lead`, { method: 'POST', body: { green_channel: greenChannel } }),
  /** Adds photos to a visit: one multipart request, all land or none. */
  uploadPhotos: async (visitId: number, files: File[]) => {
    const form = new FormData()
    for (const f of files) form.append('photos', f, f.name)
    // The browser writes the multipart body and its boundary.
    const encoded = new Response(form)
    const type = encoded.headers.get('Content-Type') ?? 'multipart/form-data'
    const data = await encoded.arrayBuffer()
    return request<ItemsPhotoMeta>(`api/visits/${visitId}/photos`, { method: 'POST', raw: { data, type } })
  },
  /** Removes a photo its uploader attached by mistake; the reason goes to the audit log. */
  removePhoto: (visitId: number, photoId: number, reason: string) =>
    request<void>(`api/visits/${visitId}/photos/${photoId}/remove`, { method: 'POST', body: { reason }, empty: true }),
  redraw: (id: number) => request<Redraw>(`api/campaigns/${id}/redraw`, { method: 'POST' }),
  campaigns: (signal?: AbortSignal) => request<ItemsCampaignRow>('api/campaigns', { signal }),
  createCampaign: (c: CampaignBody) => request<Created>('api/campaigns', { method: 'POST', body: c }),
  progress: (id: number, area: string | undefined, signal?: AbortSignal) =>
    request<CampaignProgress>(`api/campaigns/${id}/progress`, { query: { area }, signal }),
  pending: (id: number, area: string | undefined, signal?: AbortSignal) =>
    request<ItemsPendingTarget>(`api/campaigns/${id}/pending`, { query: { area, limit: 200 }, signal }),
}

/** Where the image of a visit photo is served (area-scoped, each read audited). */
export const photoUrl = (visitId: number, photoId: number) => `api/visits/${visitId}/photos/${photoId}`

/** Roles that record visits: village cadres and 帮扶 cadres. */
export const VISITORS = ['case.village', 'assist.own']
/** Roles that turn a visit into a lead (any workflow level). */
export const LEAD_RAISERS = ['case.village', 'case.township_review', 'case.county_approve']
/** Roles that organise campaigns (township and county). */
export const ORGANISERS = ['case.township_review', 'case.county_approve', 'param.manage']
