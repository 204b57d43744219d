// Build the page into the Python package (services/sitrep/web/static/): one JS bundle, one CSS file, the HTML,
// and the offline basemap (Natural Earth countries from world-atlas, TopoJSON converted to GeoJSON here, once).
import { build } from 'esbuild';
import { mkdir, readFile, writeFile, copyFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';

const require = createRequire(import.meta.url);
// SITREP_WEB_OUT: build elsewhere (the test that checks the committed bundle is the build of these sources)
const out = process.env.SITREP_WEB_OUT
  ? new URL(`file://${process.env.SITREP_WEB_OUT.replace(/\/?$/, '/')}`)
  : new URL('../services/sitrep/web/static/', import.meta.url);
await mkdir(out, { recursive: true });

await build({
  absWorkingDir: new URL('.', import.meta.url).pathname, entryPoints: ['src/main.js'], bundle: true, format: 'esm', minify: true, target: 'es2020',
  outfile: new URL('app.js', out).pathname, legalComments: 'eof', logLevel: 'info',
});

const css = await Promise.all([
  require.resolve('leaflet/dist/leaflet.css'),
  require.resolve('leaflet.markercluster/dist/MarkerCluster.css'),
  require.resolve('leaflet.markercluster/dist/MarkerCluster.Default.css'),
  'src/app.css',
].map((path) => readFile(path, 'utf8')));
await writeFile(new URL('app.css', out), css.join('\n'));
await copyFile('src/index.html', new URL('index.html', out));

// 50m: borders good enough to tell Homs from Hama at the zoom an analyst uses, small enough to ship (~1 MB)
const topology = JSON.parse(await readFile(require.resolve('world-atlas/countries-50m.json'), 'utf8'));
const countries = feature(topology, topology.objects.countries);
const round = (coords) => (typeof coords[0] === 'number'
  ? [Math.round(coords[0] * 1000) / 1000, Math.round(coords[1] * 1000) / 1000] : coords.map(round));
for (const f of countries.features) f.geometry.coordinates = round(f.geometry.coordinates);
await writeFile(new URL('countries.geojson', out), JSON.stringify(countries));
await writeFile(new URL('LICENSES.txt', out), [
  'Leaflet 1.9.4 (BSD-2-Clause), leaflet.markercluster 1.5.3 (MIT): bundled in app.js / app.css.',
  'countries.geojson: Natural Earth 1:50m admin-0 countries (public domain), via world-atlas 2.0.2 (ISC).',
  '',
].join('\n'));
