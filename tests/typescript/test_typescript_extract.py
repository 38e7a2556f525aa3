"""The TypeScript / JavaScript front-end: what one file's facts say (scalelint.typescript)."""

from __future__ import annotations

from scalelint.extract import extract_file
from scalelint.facts import SAttr, SCall, SComp, SEach, SName, SParam


def facts(text: str, path: str = "src/routes.ts"):
    f = extract_file(path, "typescript", text.encode())
    assert not [p for p in f.problems if p.severity == "error"], f.problems
    return f.python


def function(py, qualname):
    return next(fn for fn in py.functions if fn.qualname == qualname)


def test_es_modules_commonjs_and_aliases_qualify_names():
    py = facts(
        'import express, { Router as R } from "express";\n'
        'import * as schema from "../db/schema";\n'
        'import db from "./db";\n'
        'import { eq } from "drizzle-orm";\n'
        'import { cn } from "@/lib/utils";\n'
        'import type { Request } from "express";\n'
        'const { Pool } = require("pg");\n'
        'const helpers = require("./helpers");\n'
        'export * from "./more";\n'
        'export { users as people } from "./users";\n',
        "src/routes/index.ts",
    )
    names = dict(py.imports)
    assert names["express"] == "express" and names["R"] == "express.Router"
    assert names["schema"] == "db.schema"  # src/ dropped, `../db/schema` from src/routes/
    assert names["db"] == "routes.db.default"  # a project module's default export
    assert names["eq"] == "drizzle-orm.eq"
    assert names["cn"] == "lib.utils.cn"
    assert "Request" not in names  # types are not values
    assert names["Pool"] == "pg.Pool" and names["helpers"] == "routes.helpers"
    assert names["people"] == "routes.users.users"
    assert py.star_imports == ("routes.more",)


def test_array_callbacks_are_loops_and_awaits_are_recorded():
    py = facts(
        'import { db } from "./db";\n'
        "export async function load(rows) {\n"
        "  const all = await Promise.all(rows.map(async (r) => db.find(r.id)));\n"
        "  rows.forEach((r) => { db.touch(r); });\n"
        "  for (const r of rows) { await db.save(r); }\n"
        "  for (const k in rows) { db.key(k); }\n"
        "  return all;\n"
        "}\n"
    )
    fn = function(py, "routes.load")
    assert [loop.kind for loop in fn.loops] == ["comprehension", "for", "for", "for"]
    assert all(type(loop.iter) is SParam for loop in fn.loops[:3])
    comp = fn.returns[0].args[0]  # Promise.all(<comprehension>)
    assert type(comp) is SComp and comp.loop == 0
    find = comp.parts[1]
    assert type(find) is SCall and find.loop == 0 and type(find.args[0].obj) is SEach
    assert find.span in fn.awaited  # what the callback returns is awaited by Promise.all
    calls = [u.sym for u in fn.uses if type(u.sym) is SCall and type(u.sym.func) is SAttr]
    assert {c.func.name: c.loop for c in calls if c.func.name in ("touch", "save", "key")} == {"touch": 1, "save": 2, "key": 3}


def test_express_routes_are_functions_of_their_own_with_their_sites():
    py = facts(
        'import express, { Router, type Express } from "express";\n'
        "const app = express();\n"
        "const router = Router();\n"
        'app.get("/a", async (req, res) => { res.json(await load()); });\n'
        'router.route("/b").post(auth, (req, res) => res.send("ok"));\n'
        'app.use("/api", router);\n'
        "export function registerRoutes(server: Express) {\n"
        '  server.delete("/c/:id", asyncHandler(async (req, res) => { res.sendStatus(204); }));\n'
        "}\n"
        "function auth(req, res, next) { next(); }\n"
        'const cache = new Map(); cache.get("k");\n'
    )
    sites = {(s.via, s.route, s.target, s.receiver) for s in py.routes}
    assert ("get", "/a", "routes.GET /a", "routes.app") in sites
    assert ("post", "/b", "routes.POST /b", "routes.router") in sites
    assert ("post", "/b", "routes.auth", "routes.router") in sites
    assert ("use", "/api", "routes.router", "routes.app") in sites
    assert ("delete", "/c/:id", "routes.DELETE /c/:id", "routes.registerRoutes.server") in sites
    assert not any(s.via == "get" and s.route is None for s in py.routes)  # `cache.get(k)` wires nothing
    objects = {o.qualname: o.constructor for o in py.route_objects}
    assert objects["routes.app"] == "express" and objects["routes.router"] == "express.Router"
    assert objects["routes.registerRoutes.server"] == "express"
    handler = function(py, "routes.GET /a")
    assert handler.params == ("req", "res") and handler.is_async
    assert handler.returns, "res.json(...) is the handler's answer"


def test_classes_methods_take_this_and_module_values_keep_their_callee():
    py = facts(
        'import { drizzle } from "drizzle-orm/node-postgres";\n'
        'import { Pool } from "pg";\n'
        "export const pool = new Pool({ max: 20 });\n"
        "export const db = drizzle(pool);\n"
        "export class Storage extends Base {\n"
        "  async getUser(id: number) { return this.db.find(id); }\n"
        "}\n"
        "exports.handler = async (event) => event;\n"
    )
    method = function(py, "routes.Storage.getUser")
    assert method.params == ("this", "id") and method.class_name == "routes.Storage"
    assert type(method.returns[0].func.obj.obj) is SParam  # this.db.find
    assert {a.name: a.value.text for a in py.assignments}["db"] == "drizzle(pool)"
    assert {a.name: a.value.text for a in py.assignments}["pool"].startswith("Pool(")
    assert any(fn.qualname == "routes.handler" for fn in py.functions)
    pool = py.pools[0]
    assert pool.library == "pg" and pool.size.value == 20


def test_drizzle_tables_become_models_with_columns_keys_and_indexes():
    py = facts(
        'import { pgTable, serial, integer, text, timestamp, index, uniqueIndex } from "drizzle-orm/pg-core";\n'
        'export const users = pgTable("users", { id: serial("id").primaryKey(), email: text().notNull().unique() });\n'
        'export const posts = pgTable("posts", {\n'
        "  id: serial().primaryKey(),\n"
        '  userId: integer("user_id").notNull().references(() => users.id),\n'
        '  createdAt: timestamp("created_at").defaultNow(),\n'
        '}, (t) => ({ byUser: index("ix").on(t.userId, t.createdAt.desc()), u: uniqueIndex().on(t.id) }));\n',
        "src/db/schema.ts",
    )
    users, posts = py.models
    assert (users.table, users.framework, posts.table) == ("users", "drizzle", "posts")
    fields = {f.name: f for f in posts.fields}
    assert fields["userId"].kind == "fk" and fields["userId"].target == "db.schema.users.id" and fields["userId"].column == "user_id"
    assert fields["createdAt"].stamped and fields["id"].primary_key
    assert [(i.columns, i.desc, i.unique) for i in posts.indexes if i.source == "index"] == [(("userId", "createdAt"), (False, True), False), (("id",), (), True)]
    assert any(i.unique and i.columns == ("email",) for i in users.indexes)


def test_broken_and_odd_files_never_stop_the_run():
    for text in ("const = ;;; {{{", "export default", "\x00\x01", "<div>{x}</div>", "a".join(["(" * 300, ")" * 300]), ""):
        f = extract_file("src/x.tsx", "typescript", text.encode())
        assert not [p for p in f.problems if p.severity == "error"], (text[:20], f.problems)
    f = extract_file("src/bundle.js", "typescript", b"x" * (3 * 1024 * 1024))
    assert f.python is None and f.problems == []  # a bundle: skipped without a word


def test_a_bundle_above_the_script_limit_is_skipped_without_a_finding(tmp_path):
    from scalelint import api
    from scalelint.typescript import MAX_SCRIPT_BYTES

    (tmp_path / "static").mkdir()
    line = "var a=function(){return fetch('/x')};"
    (tmp_path / "static" / "bundle.js").write_text(line * (MAX_SCRIPT_BYTES // len(line) + 1))
    (tmp_path / "app.js").write_text("const x = 1;\n")
    report = api.lint([tmp_path], cache=False)
    assert report.diagnostics == [], report.diagnostics
