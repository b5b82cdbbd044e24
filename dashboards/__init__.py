"""Supervisor dashboards: the metrics of docs/domain.md section 8, their rollups and the staffing
model. See docs/dashboards.md and docs/staffing.md."""
