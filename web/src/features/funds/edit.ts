import type { AwardRow, JobRow, LoanRow, PostRow } from '../../api/types'

// What the funds edit dialog works on: one record and what to do with it.

export type EditTarget =
  | { kind: 'loan'; row: LoanRow }
  | { kind: 'repayment-undo'; row: LoanRow; repayment: { id: number; paid_on: string; amount_fen: number } }
  | { kind: 'post'; row: PostRow }
  | { kind: 'post-end'; row: PostRow }
  | { kind: 'award'; row: AwardRow }
  | { kind: 'award-withdraw'; row: AwardRow }
  | { kind: 'job'; row: JobRow }
  | { kind: 'job-end'; row: JobRow }

export const EDIT_TITLES: Record<EditTarget['kind'], string> = {
  loan: '修改小额信贷',
  'repayment-undo': '撤销还款',
  post: '修改公益性岗位',
  'post-end': '提前结束公益性岗位',
  award: '修改到户产业奖补',
  'award-withdraw': '撤销到户产业奖补',
  job: '修改务工记录',
  'job-end': '结束务工',
}

/** 分 → "1234.56" for a form field. */
export function fenToYuanText(fen: number): string {
  return `${Math.trunc(fen / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`
}

/** The actions a list offers on a post, award or 务工 record (none on a withdrawn award). */
export function recordActions(
  t: Extract<EditTarget, { kind: 'post' | 'award' | 'job' }>,
): { label: string; target: EditTarget; danger?: boolean }[] {
  switch (t.kind) {
    case 'post':
      return [
        { label: '修改', target: t },
        { label: '提前结束', target: { kind: 'post-end', row: t.row } },
      ]
    case 'award':
      return t.row.withdrawn_on
        ? []
        : [
            { label: '修改', target: t },
            { label: '撤销', target: { kind: 'award-withdraw', row: t.row }, danger: true },
          ]
    case 'job':
      return [
        { label: '修改', target: t },
        { label: '结束', target: { kind: 'job-end', row: t.row } },
      ]
  }
}
