"""Node.js serving: what forks several processes of one app (so one process is not the whole
capacity). Read by the single-process-node rule (SCL206)."""

from __future__ import annotations

import re

# modules whose import means the app forks its own workers
CLUSTER_MODULES = frozenset({"cluster", "throng", "@fastify.cluster"})
# PM2's process files: `instances: "max"` / `-i` run one process per core
PM2_FILES = frozenset({"ecosystem.config.js", "ecosystem.config.cjs", "ecosystem.config.mjs", "ecosystem.config.ts", "ecosystem.json", "pm2.json", "process.json"})
# process managers that start the app in several processes when told to
PROCESS_MANAGERS = frozenset({"pm2", "pm2-runtime", "pm2-docker", "forever", "naught"})
# `instances: "max"`, `instances: 4`, `instances: 0` / `-1` (PM2: every core); `instances: 1` is one
PM2_SEVERAL = re.compile(r"""["']?instances["']?\s*[:=]\s*(?:["']?max["']?|-1|0\b|[2-9]\b|\d{2,}|process\.env|os\.cpus)""")
