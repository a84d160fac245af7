# Sourced by scripts/demo and scripts/test: creates .venv and installs the pinned dependencies
# (requirements.lock) when pyproject.toml or the lock file changed since the last install.
# $1: the pip extra to install ("" for the platform only, "test" for the test suite).
ouvert_install() {
    extra="$1"
    if [ ! -x .venv/bin/python ]; then
        echo "→ Création de l'environnement Python (.venv)…"
        python3 -m venv .venv
    fi
    stamp=".venv/.ouvert-installed-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)-${extra:-base}"
    if [ ! -f "$stamp" ]; then
        echo "→ Installation des dépendances épinglées (requirements.lock)…"
        target="."
        [ -n "$extra" ] && target=".[$extra]"
        if ! { .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip &&
               .venv/bin/python -m pip install --disable-pip-version-check -c requirements.lock -e "$target"; } \
               > .venv/install.log 2>&1; then
            cat .venv/install.log >&2
            echo "ÉCHEC de l'installation (journal complet : .venv/install.log)" >&2
            exit 1
        fi
        rm -f .venv/.ouvert-installed-*
        touch "$stamp"
    fi
}
