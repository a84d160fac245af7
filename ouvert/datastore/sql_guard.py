"""The gate in front of ``datastore_search_sql``: what a user's statement may contain.

Everything here fails closed. The statement is parsed with sqlglot and walked node by node:

- every node must be of a type in :data:`STRUCTURAL_NODES` (SELECT and its clauses, operators,
  literals, CASE, CAST…) or a function call whose name is in :data:`ALLOWED_FUNCTIONS`; any other
  construction (``VALUES``, ``LATERAL``, ``UNNEST``, ``TABLESAMPLE``, schema-qualified calls,
  ``WITH RECURSIVE``…) is refused, so a construction sqlglot learns later is refused too until
  someone adds it here;
- casts are to the plain types of :data:`CAST_TYPES` only;
- every table reference is classified with sqlglot's scope analysis
  (:func:`sqlglot.optimizer.scope.traverse_scope`): a name is a CTE only in the scopes where that
  CTE is visible, taking the innermost scope of each reference; every other table must be named by
  a resource id (a UUID) without schema, and is what the caller resolves and checks; a table the
  scope analysis did not classify is refused;
- string-growing functions are bounded: ``lpad``/``rpad``/``repeat`` need an integer literal
  length of at most :data:`PAD_MAX`, and the product of the worst-case growth factors of every
  ``replace``/``regexp_replace``/``repeat`` in the statement must stay under :data:`GROWTH_MAX`
  (nested ``replace`` calls turned 5 bytes into 300 MB). Growth that no parser can see (a chain
  of CTEs each concatenating its input to itself) is bounded at run time by the byte cap and the
  time limit (:mod:`ouvert.datastore.sql`).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import cast

import sqlglot
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from sqlglot import exp
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers
from sqlglot.optimizer.scope import Scope, traverse_scope

SQL_CHARS_MAX = 20_000
PAD_MAX = 10_000
GROWTH_MAX = 1_000

# Function names as sqlglot knows them: the expression's ``key`` for the functions it types
# (``string_agg`` → ``groupconcat``, ``date_trunc`` → ``timestamptrunc``), the written name for the
# others (``to_tsquery``). Nothing that reads files, settings, other tables, sleeps or writes.
ALLOWED_FUNCTIONS = frozenset({
    # aggregates
    "count", "sum", "avg", "min", "max", "total", "groupconcat", "arrayagg", "stddev", "variance", "median",
    "percentilecont", "percentiledisc", "logicaland", "logicalor", "every",
    # numbers
    "abs", "round", "ceil", "floor", "trunc", "sign", "sqrt", "pow", "exp", "ln", "log", "greatest", "least",
    # null handling and conditions
    "coalesce", "nullif", "if", "case", "cast", "trycast",
    # text
    "lower", "upper", "length", "substring", "trim", "replace", "concat", "concatws", "left", "right",
    "strposition", "pad", "repeat", "initcap", "splitpart", "regexpreplace", "unaccent",
    # dates
    "date", "datetime", "strftime", "timetostr", "tsordstotimestamp", "julianday", "datetrunc", "timestamptrunc",
    "extract", "date_part", "tochar", "to_char", "to_date", "strtodate", "to_timestamp", "unixtotime", "now",
    "currentdate", "currenttimestamp", "age",
    # window functions
    "rownumber", "rank", "denserank", "ntile", "lag", "lead", "firstvalue", "lastvalue",
    # subquery predicates
    "exists",
    # full text (PostgreSQL; ``@@`` is sqlglot's MatchAgainst)
    "to_tsvector", "to_tsquery", "plainto_tsquery", "websearch_to_tsquery", "ts_rank", "matchagainst",
})

# Node types a statement may contain besides allowed function calls (exact types, not subclasses).
STRUCTURAL_NODES = frozenset({
    exp.Select, exp.Union, exp.Intersect, exp.Except, exp.Subquery, exp.With, exp.CTE, exp.From, exp.Join,
    exp.Where, exp.Group, exp.Having, exp.Order, exp.Ordered, exp.Limit, exp.Offset, exp.Distinct,
    exp.Window, exp.WindowSpec, exp.Filter, exp.WithinGroup, exp.Table, exp.TableAlias, exp.Column,
    exp.Identifier, exp.Star, exp.Alias, exp.Literal, exp.Null, exp.Boolean, exp.Paren, exp.Tuple, exp.Var,
    exp.Interval, exp.DataType, exp.DataTypeParam, exp.Array, exp.Any, exp.All,
    # operators
    exp.And, exp.Or, exp.Not, exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ,
    exp.NullSafeNEQ, exp.Between, exp.In, exp.Like, exp.ILike, exp.Escape, exp.Is, exp.Add, exp.Sub, exp.Mul,
    exp.Div, exp.IntDiv, exp.Mod, exp.Neg, exp.DPipe,
})

CAST_TYPES = frozenset({
    "INT", "BIGINT", "SMALLINT", "TINYINT", "DECIMAL", "DOUBLE", "FLOAT", "TEXT", "VARCHAR", "CHAR", "NCHAR",
    "NVARCHAR", "BPCHAR", "DATE", "DATETIME", "TIMESTAMP", "TIMESTAMPTZ", "TIME", "INTERVAL", "BOOLEAN",
})

# Table arguments that may be set: a plain name and an alias (no TABLESAMPLE, ONLY, AS OF…).
_TABLE_ARGS = frozenset({"this", "alias"})


@dataclass(frozen=True)
class ParsedSql:
    """A statement that passed the gate: its tree (identifiers normalized for the dialect) and its
    physical table references, each named by a resource id."""

    tree: exp.Expression
    tables: tuple[exp.Table, ...]
    dialect: str
    cte_references: tuple[tuple[exp.Table, exp.CTE], ...] = ()

    @property
    def resource_ids(self) -> list[str]:
        return sorted({t.name for t in self.tables})


def refuse(message: str) -> ValidationError:
    return ValidationError({"sql": [message]})


def _function_name(node: exp.Func) -> str:
    return str(node.name).lower() if isinstance(node, exp.Anonymous) else node.key


def _shown_name(node: exp.Func) -> str:
    return str(node.name).upper() if isinstance(node, exp.Anonymous) else node.sql_name()


def _int_literal(node: exp.Expression | None) -> int | None:
    if isinstance(node, exp.Literal) and node.is_int:
        return int(node.name)
    return None


def _text_literal(node: exp.Expression | None) -> str | None:
    if isinstance(node, exp.Literal) and node.is_string:
        return node.name
    return None


def _growth(node: exp.Func) -> int:
    """The most a call may multiply the length of its input by (1 for functions that do not grow)."""
    name = _function_name(node)
    if name == "pad":
        expression = node.args.get("expression")
        length = _int_literal(expression)
        if length is None or length > PAD_MAX:
            raise refuse(_("%(name)s : la longueur doit être un entier écrit en toutes lettres, %(max)s au plus "
                           "(reçu : %(got)s).") % {"name": "LPAD/RPAD", "max": PAD_MAX,
                                                    "got": expression.sql() if expression is not None else ""})
        return 1  # the result has exactly that length
    if name == "repeat":
        times = _int_literal(node.args.get("times"))
        if times is None or times > PAD_MAX:
            raise refuse(_("%(name)s : la longueur doit être un entier écrit en toutes lettres, %(max)s au plus "
                           "(reçu : %(got)s).") % {"name": "REPEAT", "max": PAD_MAX,
                                                    "got": (node.args.get("times") or exp.null()).sql()})
        return max(times, 1)
    if name == "replace":
        old, new = _text_literal(node.args.get("expression")), _text_literal(node.args.get("replacement"))
        if old is None or new is None:
            return GROWTH_MAX  # unknown: allowed once, alone
        return max(1, math.ceil(len(new) / len(old))) if old else 1
    if name == "regexpreplace":
        new = _text_literal(node.args.get("replacement"))
        # an empty match inserts the replacement between every two characters, a back reference
        # copies the whole input: bounded by the replacement's length, plus one
        return GROWTH_MAX if new is None else len(new) + 1
    return 1


def _check_node(node: exp.Expr) -> int:
    """Refuse a node that is neither structure nor an allowed function; its growth factor."""
    if isinstance(node, (exp.Into, exp.Lock)):
        raise refuse(_("SELECT … INTO et FOR UPDATE ne sont pas permis."))
    if isinstance(node, (exp.Insert, exp.Update, exp.Delete, exp.Create, exp.Drop, exp.Alter, exp.Command,
                         exp.Pragma, exp.Set, exp.Transaction)):
        raise refuse(_("Seules les lectures sont permises (trouvé : %(kind)s).") % {"kind": node.key.upper()})
    if isinstance(node, exp.With) and node.args.get("recursive"):
        raise refuse(_("WITH RECURSIVE n'est pas permis : écrivez la requête sans récursion."))
    kind = type(node)
    if kind in STRUCTURAL_NODES:
        if kind is exp.DataType and node.this.name not in CAST_TYPES:
            raise refuse(_("Conversion vers le type %(type)s non permise ; types permis : %(types)s.")
                         % {"type": node.sql(), "types": ", ".join(sorted(CAST_TYPES)).lower()})
        if kind is exp.Table:
            _check_table_shape(cast(exp.Table, node))
        return 1
    if isinstance(node, exp.Func) and _function_name(node) in ALLOWED_FUNCTIONS:
        return _growth(node)
    if isinstance(node, exp.Func):
        raise refuse(_("Fonction non permise : %(name)s.") % {"name": _shown_name(node)})
    raise refuse(_("Construction SQL non permise : %(kind)s (« %(sql)s »). Seuls SELECT, ses clauses, les "
                   "opérateurs et les fonctions de la liste sont acceptés.")
                 % {"kind": node.key.upper(), "sql": node.sql()[:80]})


def _check_table_shape(table: exp.Table) -> None:
    if table.args.get("db") or table.args.get("catalog"):
        raise refuse(_("Nommez les tables par leur identifiant de ressource, sans schéma : « %(n)s ».")
                     % {"n": table.sql()})
    if not isinstance(table.this, exp.Identifier):
        raise refuse(_("Une fonction ne peut pas servir de table : « %(n)s ». Lisez une ressource par son "
                       "identifiant.") % {"n": table.this.sql()[:80]})
    extra = sorted(k for k, v in table.args.items() if v not in (None, [], False) and k not in _TABLE_ARGS)
    if extra:
        raise refuse(_("Option de table non permise : %(opts)s (« %(n)s »).")
                     % {"opts": ", ".join(extra).upper(), "n": table.sql()[:80]})


def _unresolved(table: exp.Table) -> ValidationError:
    return refuse(_("Requête non analysable : la table « %(n)s » n'a pas pu être rattachée à une portée. "
                    "Simplifiez la requête (sous-requête nommée, CTE).") % {"n": table.sql()})


def _resolve_tables(tree: exp.Expression) -> tuple[list[exp.Table], list[tuple[exp.Table, exp.CTE]]]:
    """Table references that are not an in-scope CTE, and the others with the CTE each one names,
    by scope analysis (fail closed)."""
    try:
        scopes = traverse_scope(tree)
    except Exception as exc:  # noqa: BLE001 — sqlglot raises several types; none may let a query through
        raise refuse(_("Requête non analysable (portée des tables) : %(error)s.") % {"error": exc}) from exc
    target: dict[int, exp.CTE | None] = {}
    for scope in scopes:  # depth-first post-order: a reference is first met in its innermost scope
        for table in scope.tables:
            if id(table) in target:
                continue
            visible = scope.cte_sources.get(table.name)
            if isinstance(visible, Scope) and visible.is_cte:
                cte = visible.expression.parent
                if not isinstance(cte, exp.CTE):
                    raise _unresolved(table)
                target[id(table)] = cte
            else:
                target[id(table)] = None
    physical, ctes = [], []
    for table in tree.find_all(exp.Table):
        if id(table) not in target:
            raise _unresolved(table)
        cte = target[id(table)]
        if cte is None:
            physical.append(table)
        else:
            ctes.append((table, cte))
    return physical, ctes


def parse_sql(sql: object, *, dialect: str) -> ParsedSql:
    """The statement, checked, or a ValidationError saying what is refused and how to fix it.
    ``dialect`` is sqlglot's: ``sqlite`` or ``postgres``."""
    if not isinstance(sql, str) or not sql.strip():
        raise refuse(_("Le paramètre « sql » est obligatoire."))
    if len(sql) > SQL_CHARS_MAX:
        raise refuse(_("Requête trop longue (20 000 caractères au plus)."))
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except sqlglot.errors.ParseError as exc:
        first = exc.errors[0] if exc.errors else {}
        raise refuse(_("Requête SQL invalide (ligne %(line)s, colonne %(col)s) : %(error)s.")
                     % {"line": first.get("line", "?"), "col": first.get("col", "?"),
                        "error": first.get("description", str(exc))}) from exc
    except sqlglot.errors.SqlglotError as exc:
        raise refuse(_("Requête SQL invalide : %(error)s.") % {"error": exc}) from exc
    if len(statements) != 1:
        raise refuse(_("Une seule instruction est permise (pas de « ; » entre plusieurs requêtes)."))
    tree = statements[0]
    if not isinstance(tree, (exp.Select, exp.Union, exp.Intersect, exp.Except)):
        raise refuse(_("Seules les requêtes SELECT sont permises (reçu : %(kind)s).") % {"kind": tree.key.upper()})
    growth = 1
    for node in tree.walk():
        growth *= _check_node(node)
        if growth > GROWTH_MAX:
            raise refuse(_("Requête refusée : ses REPLACE, REGEXP_REPLACE et REPEAT pourraient multiplier la "
                           "taille du texte par plus de %(max)s. Réduisez leur nombre ou la longueur des "
                           "remplacements.") % {"max": GROWTH_MAX})
    if dialect == "postgres":
        # PostgreSQL folds unquoted names to lower case: compare CTE names as it does.
        tree = normalize_identifiers(tree, dialect=dialect)
    tables, cte_references = _resolve_tables(tree)
    for table in tables:
        try:
            uuid.UUID(table.name)
        except ValueError as exc:
            raise refuse(_("Table inconnue : « %(n)s ». Utilisez l'identifiant d'une ressource entre guillemets "
                           "doubles, par exemple \"%(example)s\".") % {"n": table.name, "example": uuid.uuid4()}
                         ) from exc
    if not tables:
        raise refuse(_("La requête doit lire au moins une table de ressource."))
    return ParsedSql(tree=tree, tables=tuple(tables), dialect=dialect, cte_references=tuple(cte_references))
