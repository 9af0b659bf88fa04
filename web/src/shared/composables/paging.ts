import { ref } from 'vue'
import { PAGE_SIZES } from './listQuery'

/**
 * The page and page size of a list kept in the component rather than in the
 * URL (the panels of 系统). A new page reloads; a new size goes back to page 1.
 */
export function usePaging(load: () => unknown) {
  const page = ref(1)
  const pageSize = ref(PAGE_SIZES[0])
  function onPage(p: number) {
    page.value = p
    void load()
  }
  function onSize(s: number) {
    pageSize.value = s
    page.value = 1
    void load()
  }
  return { page, pageSize, onPage, onSize }
}
