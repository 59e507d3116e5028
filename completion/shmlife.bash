# completion/shmlife.bash - bash completion of the shmlife command: its
# commands, each command's options (read from `shmlife COMMAND --help`, the
# one source, so they never go stale), the values some options take, and
# scenario names (from `shmlife list`) for `show` and `--filter`/`--exclude`.
# Installed to share/bash-completion/completions/shmlife; to try it from a
# checkout: `source completion/shmlife.bash`.

# The shmlife that is being completed: the command word as typed.
_shmlife_bin()
{
	local bin=${COMP_WORDS[0]}
	bin=${bin/#\~/$HOME}
	printf '%s' "$bin"
}

_shmlife_commands()
{
	"$(_shmlife_bin)" --help 2>/dev/null |
		awk '/^Commands:$/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }'
}

_shmlife_options()
{
	"$(_shmlife_bin)" "$1" --help 2>/dev/null | grep -oE '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | tr -d ' ,' | sort -u
}

# Scenario names of the catalog the command line names (or the default one).
_shmlife_scenarios()
{
	local -a paths=()
	local w
	for w in "${COMP_WORDS[@]:2}"; do
		[[ $w != -* && ( -d $w || $w == *.scn ) ]] && paths+=("$w")
	done
	"$(_shmlife_bin)" list "${paths[@]}" 2>/dev/null | awk '{ print $1 }'
}

_shmlife()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	COMPREPLY=()
	if [[ $COMP_CWORD -eq 1 ]]; then
		COMPREPLY=($(compgen -W "$(_shmlife_commands) help --help --version" -- "$cur"))
		return
	fi
	local cmd=${COMP_WORDS[1]}
	if [[ $cmd == help ]]; then
		[[ $COMP_CWORD -eq 2 ]] && COMPREPLY=($(compgen -W "$(_shmlife_commands)" -- "$cur"))
		return
	fi
	case $prev in
	--color | --colour) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
	--exit-codes) COMPREPLY=($(compgen -W "shmlife ltp kselftest" -- "$cur")); return ;;
	--tap-version) COMPREPLY=($(compgen -W "13 14" -- "$cur")); return ;;
	--format) COMPREPLY=($(compgen -W "text tsv markdown" -- "$cur")); return ;;
	--filter | --exclude) COMPREPLY=($(compgen -W "$(_shmlife_scenarios)" -- "$cur")); return ;;
	--report-dir | --out) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	--kernel) COMPREPLY=($(compgen -f -- "$cur")); return ;;  # a kernel image: any file
	--libc) COMPREPLY=($(compgen -W "glibc musl glibc,musl" -- "$cur")); return ;;
	-j | --jobs | --repeat | --retries | --timeout | --shard | --seed | --runs | --time | --actors | --steps | --calls | --ops)
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_shmlife_options "$cmd")" -- "$cur"))
		return
	fi
	if [[ $cmd == show ]]; then
		local named=0 w
		for w in "${COMP_WORDS[@]:2:COMP_CWORD-2}"; do
			[[ $w != -* ]] && named=1
		done
		if [[ $named -eq 0 ]]; then
			COMPREPLY=($(compgen -W "$(_shmlife_scenarios)" -- "$cur"))
			return
		fi
	fi
	if [[ $cmd == merge ]]; then
		COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -X '!*.scn' -- "$cur") $(compgen -d -- "$cur"))
}
complete -o filenames -F _shmlife shmlife
