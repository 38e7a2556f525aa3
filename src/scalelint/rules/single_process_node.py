from scalelint.diagnostics import Related
from scalelint.frameworks import node
from scalelint.project import is_non_production_path
from scalelint.rules.single_process_uvicorn import SingleProcessUvicorn
from scalelint.rule import Rule


class SingleProcessNode(Rule):
    code = "SCL206"
    name = "single-process-node"
    summary = "Production `node server.js` (or `npm start`) with no cluster, no PM2 instances and no platform instance count: one CPU core serves everything."
    message = "Node.js runs a single process"
    fix_title = "Run one process per core: PM2 (`pm2-runtime start dist/index.js -i max`), the `cluster` module, or several instances behind the platform's load balancer"

    def check(self, project, report):
        servers = [s for s in project.servers if s.server == "node" and s.deployed]
        if not servers or SingleProcessUvicorn._orchestrated(project) or _clustered(project):
            return
        for server in servers:
            if (server.instances or 1) > 1 or (server.launched_by or server.command).web is False:
                continue  # several copies, or a worker process that serves no requests
            shown = " ".join(w.text for w in [server.word, *server.args][:3])
            via = server.launched_by or server.command
            related = []
            if server.word.span == via.argv[0].span and server.word.text != via.argv[0].text:
                related.append(Related(server.path, server.span.line, f"`{' '.join(w.text for w in via.argv[:3])}` runs `{shown}` (package.json)"))
            report(
                server.path,
                server.span,
                f"`{shown}` runs one Node.js process (no `cluster`, no PM2 instances, no instance count on the platform): "
                "one event loop on one CPU core serves every request, and the other cores sit idle",
                related=related,
            )


def _clustered(project) -> bool:
    """The project's code forks workers itself (`cluster`, `throng`), or PM2 runs it with instances."""
    for path, facts in project.files.items():
        py = facts.python
        if py is None or facts.kind != "typescript" or is_non_production_path(path):
            continue
        if any(m in node.CLUSTER_MODULES for m in py.imported_modules):
            return True
    for path in [*(p for p in project.files if p.rsplit("/", 1)[-1] in node.PM2_FILES), *node.PM2_FILES]:
        if node.PM2_SEVERAL.search(project.source(path) or ""):
            return True
    return any(c.argv and c.argv[0].text.rsplit("/", 1)[-1] in node.PROCESS_MANAGERS for c in project.commands)
