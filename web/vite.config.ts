import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// The Rust server (`fangpin serve` / `fangpin demo`) listens on 127.0.0.1:8080 by
// default; override with FANGPIN_API when it runs elsewhere.
const apiTarget = process.env.FANGPIN_API ?? 'http://127.0.0.1:8080'

export default defineConfig({
  // Relative asset URLs: the same build works at `/` and behind a reverse proxy
  // under a sub-path (e.g. `/fangpin/`).
  base: './',
  plugins: [
    vue(),
    // Element Plus components and their styles are imported on demand.
    // `dts: false` keeps the build free of generated files; template types come
    // from `element-plus/global` (see tsconfig.json).
    Components({
      dts: false,
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
    }),
  ],
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true },
      '/healthz': { target: apiTarget, changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      output: {
        // Third-party code in a few stable chunks: an app update then leaves
        // the (larger) library files cached in the browser.
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender|vue-echarts)[\\/]/, priority: 3 },
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router)[\\/]/, priority: 2 },
            { name: 'element-plus', test: /node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
})
