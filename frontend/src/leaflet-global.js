// leaflet.markercluster extends the global L: make it exist before that plugin's module runs.
import L from 'leaflet';

window.L = L;
export default L;
