/*
 * pstnsim scenario grammar. One action a line; '#' starts a comment
 * when it begins a word (so "digits 12#" keeps its '#'). Words are
 * separated by blanks; a value may be quoted ("a b"). After the verb
 * come its positional words, then KEY=VALUE words in any order.
 *
 *   wait DURATION                       pause: 500ms, 2s, 1.5s, 1m
 *   wait KEY=VAL... [timeout=DUR]       until an event line carries every
 *                                       KEY=VAL (30s bound, then fail)
 *   expect KEY=VAL... [within=DUR]      the same with a 5s bound
 *   call CALLED [from=NUM] [name=TEXT] [span=ID] [chan=TS]
 *               [count=N] [interval=DUR] [step=K]  (call i of N dials
 *               CALLED + i*K, same width)
 *   answer | reject [cause=N] | hangup [cause=N]
 *   progress                            PROGRESS (in-band information)
 *                                       on a call ringing here
 *   digits DIGITS                       in-band DTMF (0-9 * # A-D)
 *   play tone:FREQ | play FILE | play stop
 *   record FILE | record stop
 *   detect tone FREQ | detect dtmf      report event=tone / event=dtmf
 *   send-fax FILE.tif [ecm=on|off]      T.30 fax machine on the call
 *   receive-fax FILE.tif [ecm=on|off]
 *   exit [CODE]
 *   restart [span=ID] [chan=TS]         RESTART a channel or the interface
 *   drop-dchannel DURATION [span=ID]    loop driver: D-channel silent
 *   alarm red|yellow|blue|clear [span=ID]  layer 1 alarm toward the peer
 *   inject FAULT [span=ID]              one bad message: short_block,
 *                                       long_block, unknown_type,
 *                                       runt_frame, corrupt (bad FCS)
 *
 * call also takes the Q.931 call information: ton= npi= pres= screen=
 * (calling number), called-ton= called-npi=, redirecting=NUM reason=,
 * and overlap=yes (SETUP without sending complete: the rest follows as
 * "digits D mode=overlap [complete=yes]"). digits mode=keypad sends a
 * keypad facility. Names are tdm's (ton=national, npi=e164 or isdn,
 * pres=restricted, screen=network, reason=busy ...).
 *
 * Call actions take call=N (pstnsim's call number); without it answer,
 * progress and reject act on the oldest call still ringing, the others on the
 * newest call. wait/expect search the events since the last
 * matched one, so an event that came before the line is still found.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tdm/tdm.h"
#include "tools/pstnsim/script.h"

#define MAX_WORDS 32
#define WORD_MAX 512

struct verb {
	const char *name;
	enum sim_act_type type;
	int min_pos, max_pos;
	const char *keys; /* allowed KEY= words, blank-separated */
};

static const struct verb verbs[] = {
	{ "wait", SIM_ACT_WAIT, 0, 1, "timeout *" },
	{ "expect", SIM_ACT_EXPECT, 0, 0, "within *" },
	{ "call", SIM_ACT_CALL, 1, 1,
	  "from name span chan count interval step ton npi pres screen "
	  "called-ton "
	  "called-npi redirecting reason overlap" },
	{ "answer", SIM_ACT_ANSWER, 0, 0, "call" },
	{ "progress", SIM_ACT_PROGRESS, 0, 0, "call" },
	{ "reject", SIM_ACT_REJECT, 0, 0, "call cause" },
	{ "hangup", SIM_ACT_HANGUP, 0, 0, "call cause" },
	{ "digits", SIM_ACT_DIGITS, 1, 1, "call mode complete" },
	{ "play", SIM_ACT_PLAY, 1, 1, "call" },
	{ "record", SIM_ACT_RECORD, 1, 1, "call" },
	{ "detect", SIM_ACT_DETECT, 1, 2, "call" },
	{ "send-fax", SIM_ACT_SEND_FAX, 1, 1, "call ecm" },
	{ "receive-fax", SIM_ACT_RECV_FAX, 1, 1, "call ecm" },
	{ "exit", SIM_ACT_EXIT, 0, 1, "" },
	{ "restart", SIM_ACT_RESTART, 0, 0, "span chan" },
	{ "drop-dchannel", SIM_ACT_DROP_DCHAN, 1, 1, "span" },
	{ "alarm", SIM_ACT_ALARM, 1, 1, "span" },
	{ "inject", SIM_ACT_INJECT, 1, 1, "span" },
};

static const char *const act_names[SIM_ACT__COUNT] = {
	[SIM_ACT_SLEEP] = "wait",
	[SIM_ACT_WAIT] = "wait",
	[SIM_ACT_EXPECT] = "expect",
	[SIM_ACT_CALL] = "call",
	[SIM_ACT_ANSWER] = "answer",
	[SIM_ACT_REJECT] = "reject",
	[SIM_ACT_HANGUP] = "hangup",
	[SIM_ACT_DIGITS] = "digits",
	[SIM_ACT_PLAY] = "play",
	[SIM_ACT_RECORD] = "record",
	[SIM_ACT_DETECT] = "detect",
	[SIM_ACT_SEND_FAX] = "send-fax",
	[SIM_ACT_RECV_FAX] = "receive-fax",
	[SIM_ACT_EXIT] = "exit",
	[SIM_ACT_FAIL] = "refused",
	[SIM_ACT_RESTART] = "restart",
	[SIM_ACT_DROP_DCHAN] = "drop-dchannel",
	[SIM_ACT_ALARM] = "alarm",
	[SIM_ACT_INJECT] = "inject",
	[SIM_ACT_PROGRESS] = "progress",
};

const char *sim_act_name(enum sim_act_type t)
{
	return (unsigned)t < SIM_ACT__COUNT && act_names[t] ? act_names[t]
							    : "?";
}

int sim_duration_parse(const char *s, uint64_t *ms)
{
	char *end;
	double v;
	double mult;

	if (!s || !*s || *s == '-' || *s == '+')
		return EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s)
		return EINVAL;
	if (!strcmp(end, "ms"))
		mult = 1;
	else if (!strcmp(end, "s"))
		mult = 1000;
	else if (!strcmp(end, "m"))
		mult = 60000;
	else
		return EINVAL;
	v *= mult;
	/* a week is far beyond any scenario; rejects inf and nan too */
	if (!(v >= 0 && v <= 7 * 86400000.0))
		return EINVAL;
	*ms = (uint64_t)(v + 0.5);
	return 0;
}

static int parse_num(const char *s, unsigned long min, unsigned long max,
		     unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return EINVAL;
	*out = v;
	return 0;
}

/* Splits line into words; quotes group blanks and are dropped. */
static int split(const char *line, char words[][WORD_MAX], int *n, char *err,
		 size_t errlen)
{
	const char *p = line;

	*n = 0;
	for (;;) {
		size_t len = 0;
		bool quoted = false;

		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')
			return 0;
		if (*n == MAX_WORDS) {
			snprintf(err, errlen, "more than %d words", MAX_WORDS);
			return -1;
		}
		while (*p && (quoted || (*p != ' ' && *p != '\t' &&
					 *p != '\r' && *p != '\n'))) {
			if (*p == '"') {
				quoted = !quoted;
				p++;
				continue;
			}
			if (len + 1 >= WORD_MAX) {
				snprintf(err, errlen, "word longer than %d",
					 WORD_MAX - 1);
				return -1;
			}
			words[*n][len++] = *p++;
		}
		if (quoted) {
			snprintf(err, errlen, "unterminated quote");
			return -1;
		}
		words[*n][len] = 0;
		(*n)++;
	}
}

static bool key_allowed(const struct verb *v, const char *key)
{
	const char *p = v->keys;
	size_t kl = strlen(key);

	while (*p) {
		const char *e = strchr(p, ' ');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if ((l == kl && !strncmp(p, key, l)) || (l == 1 && *p == '*'))
			return true;
		p += l;
		while (*p == ' ')
			p++;
	}
	return false;
}

static int copy(char *dst, size_t cap, const char *src, const char *what,
		char *err, size_t errlen)
{
	if (strlen(src) >= cap) {
		snprintf(err, errlen, "%s longer than %zu characters", what,
			 cap - 1);
		return -1;
	}
	strcpy(dst, src);
	return 0;
}

static bool valid_digits(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

/* The call information keys and their tdm names. */
static int *info_field(struct sim_action *a, const char *key)
{
	if (!strcmp(key, "ton"))
		return &a->ton;
	if (!strcmp(key, "npi"))
		return &a->npi;
	if (!strcmp(key, "pres"))
		return &a->pres;
	if (!strcmp(key, "screen"))
		return &a->screen;
	if (!strcmp(key, "called-ton"))
		return &a->called_ton;
	if (!strcmp(key, "called-npi"))
		return &a->called_npi;
	if (!strcmp(key, "reason"))
		return &a->reason;
	return NULL;
}

/* val by tdm's name of each value (tdm_ton_name ...); -1 if none. */
static int info_lookup(const char *key, const char *val)
{
	int v;

	if (strstr(key, "npi") && !strcmp(val, "isdn"))
		return TDM_NPI_E164; /* the ISDN/telephony plan */
	for (v = 0; v < 16; v++) {
		const char *n = strstr(key, "ton")	 ? tdm_ton_name(v)
				: strstr(key, "npi")	 ? tdm_npi_name(v)
				: !strcmp(key, "pres")	 ? tdm_pres_name(v)
				: !strcmp(key, "screen") ? tdm_screen_name(v)
							 : tdm_redir_name(v);

		if (n && strcmp(n, "?") && !strcmp(n, val))
			return v;
	}
	return -1;
}

/* wait/expect: timeout=/within= bound them, every other word is an
 * event field to match. */
static int set_match(struct sim_action *a, const char *key, const char *val,
		     char *err, size_t errlen)
{
	uint64_t ms;

	if ((!strcmp(key, "timeout") && a->type == SIM_ACT_WAIT) ||
	    (!strcmp(key, "within") && a->type == SIM_ACT_EXPECT)) {
		if (sim_duration_parse(val, &ms) || !ms) {
			snprintf(err, errlen, "bad duration for %s: '%s'", key,
				 val);
			return -1;
		}
		a->ms = ms;
		return 0;
	}
	if (a->nmatch == SIM_MATCH_MAX) {
		snprintf(err, errlen, "more than %d fields to match",
			 SIM_MATCH_MAX);
		return -1;
	}
	if (copy(a->match[a->nmatch].key, SIM_KEY_MAX, key, "key", err,
		 errlen) ||
	    copy(a->match[a->nmatch].val, SIM_VAL_MAX, val, "value", err,
		 errlen))
		return -1;
	a->nmatch++;
	return 0;
}

/* A KEY=VAL word of a verb that takes named options. */
static int set_key(struct sim_action *a, const char *key, const char *val,
		   char *err, size_t errlen)
{
	unsigned long v;

	if (a->type == SIM_ACT_WAIT || a->type == SIM_ACT_EXPECT)
		return set_match(a, key, val, err, errlen);
	if (!strcmp(key, "call")) {
		if (parse_num(val, 1, 1000000000, &v))
			goto bad;
		a->call = (unsigned)v;
	} else if (!strcmp(key, "span")) {
		if (parse_num(val, 1, 127, &v))
			goto bad;
		a->span = (unsigned)v;
	} else if (!strcmp(key, "chan")) {
		if (parse_num(val, 1, 31, &v))
			goto bad;
		a->chan = (int)v;
	} else if (!strcmp(key, "count")) {
		if (parse_num(val, 1, 100000, &v))
			goto bad;
		a->count = (unsigned)v;
	} else if (!strcmp(key, "step")) {
		if (parse_num(val, 0, 1000000, &v))
			goto bad;
		a->step = (unsigned)v;
	} else if (!strcmp(key, "interval")) {
		if (sim_duration_parse(val, &a->gap_ms))
			goto bad;
	} else if (!strcmp(key, "cause")) {
		if (parse_num(val, 1, 127, &v))
			goto bad;
		a->cause = (int)v;
	} else if (!strcmp(key, "from")) {
		if (!valid_digits(val, "0123456789*#"))
			goto bad;
		return copy(a->from, sizeof(a->from), val, "from=", err,
			    errlen);
	} else if (!strcmp(key, "name")) {
		return copy(a->name, sizeof(a->name), val, "name=", err,
			    errlen);
	} else if (!strcmp(key, "ecm")) {
		if (!strcmp(val, "on"))
			a->ecm = true;
		else if (!strcmp(val, "off"))
			a->ecm = false;
		else
			goto bad;
	} else if (!strcmp(key, "redirecting")) {
		if (!valid_digits(val, "0123456789*#"))
			goto bad;
		return copy(a->redirecting, sizeof(a->redirecting), val,
			    "redirecting=", err, errlen);
	} else if (!strcmp(key, "overlap") || !strcmp(key, "complete")) {
		bool on = !strcmp(val, "yes");

		if (!on && strcmp(val, "no"))
			goto bad;
		if (key[0] == 'o')
			a->overlap = on;
		else
			a->complete = on;
	} else if (!strcmp(key, "mode")) {
		if (!strcmp(val, "dtmf"))
			a->mode = SIM_DIGITS_DTMF;
		else if (!strcmp(val, "overlap"))
			a->mode = SIM_DIGITS_OVERLAP;
		else if (!strcmp(val, "keypad"))
			a->mode = SIM_DIGITS_KEYPAD;
		else
			goto bad;
	} else {
		int *f = info_field(a, key);
		int v2;

		if (!f)
			goto bad; /* key_allowed() let through a key we lack */
		v2 = info_lookup(key, val);
		if (v2 < 0)
			goto bad;
		*f = v2;
	}
	return 0;
bad:
	snprintf(err, errlen, "bad value for %s: '%s'", key, val);
	return -1;
}

/* The positional words, once the verb and keys are known. */
static int set_pos(struct sim_action *a, char pos[][WORD_MAX], int npos,
		   char *err, size_t errlen)
{
	unsigned long v;

	switch (a->type) {
	case SIM_ACT_WAIT:
		if (npos == 1) {
			if (a->nmatch || a->ms) {
				snprintf(err, errlen,
					 "wait takes a duration or event "
					 "fields, not both");
				return -1;
			}
			if (sim_duration_parse(pos[0], &a->ms)) {
				snprintf(err, errlen, "bad duration '%s'",
					 pos[0]);
				return -1;
			}
			a->type = SIM_ACT_SLEEP;
			return 0;
		}
		/* fall through */
	case SIM_ACT_EXPECT:
		if (!a->nmatch) {
			snprintf(err, errlen, "%s needs KEY=VALUE fields",
				 sim_act_name(a->type));
			return -1;
		}
		if (!a->ms)
			a->ms = a->type == SIM_ACT_WAIT ? SIM_WAIT_DEFAULT_MS
							: SIM_EXPECT_DEFAULT_MS;
		return 0;
	case SIM_ACT_CALL:
		if (!valid_digits(pos[0], "0123456789*#")) {
			snprintf(err, errlen, "bad called number '%s'", pos[0]);
			return -1;
		}
		return copy(a->arg, SIM_NUMBER_MAX, pos[0], "called number",
			    err, errlen);
	case SIM_ACT_DIGITS:
		if (!valid_digits(pos[0], "0123456789*#ABCD")) {
			snprintf(err, errlen, "bad DTMF digits '%s'", pos[0]);
			return -1;
		}
		break;
	case SIM_ACT_PLAY:
		if (!strncmp(pos[0], "tone:", 5)) {
			if (parse_num(pos[0] + 5, 1, 3999, &v)) {
				snprintf(err, errlen,
					 "play tone:FREQ needs 1..3999 Hz, "
					 "got '%s'",
					 pos[0]);
				return -1;
			}
			a->freq = (unsigned)v;
			return 0;
		}
		/* fall through */
	case SIM_ACT_RECORD:
		if (!strcmp(pos[0], "stop")) {
			a->stop = true;
			return 0;
		}
		break;
	case SIM_ACT_DETECT:
		if (!strcmp(pos[0], "dtmf") && npos == 1) {
			a->dtmf = true;
			return 0;
		}
		if (!strcmp(pos[0], "tone") && npos == 2 &&
		    !parse_num(pos[1], 100, 3900, &v)) {
			a->freq = (unsigned)v;
			return 0;
		}
		snprintf(err, errlen,
			 "detect takes 'tone FREQ' (100..3900) or 'dtmf'");
		return -1;
	case SIM_ACT_DROP_DCHAN:
		if (sim_duration_parse(pos[0], &a->ms) || !a->ms) {
			snprintf(err, errlen, "bad duration '%s'", pos[0]);
			return -1;
		}
		return 0;
	case SIM_ACT_ALARM:
		if (!strcmp(pos[0], "red"))
			a->alarm = TDM_ALARM_RED;
		else if (!strcmp(pos[0], "yellow"))
			a->alarm = TDM_ALARM_YELLOW;
		else if (!strcmp(pos[0], "blue"))
			a->alarm = TDM_ALARM_BLUE;
		else if (strcmp(pos[0], "clear")) {
			snprintf(err, errlen,
				 "alarm takes red, yellow, blue or clear");
			return -1;
		}
		return 0;
	case SIM_ACT_INJECT:
		if (strcmp(pos[0], "corrupt") && tdm_fault_lookup(pos[0]) < 0) {
			snprintf(err, errlen, "unknown fault '%.32s'", pos[0]);
			return -1;
		}
		break;
	case SIM_ACT_EXIT:
		if (npos && parse_num(pos[0], 0, 255, &v)) {
			snprintf(err, errlen, "bad exit code '%s'", pos[0]);
			return -1;
		}
		a->code = npos ? (int)v : 0;
		return 0;
	default:
		break;
	}
	if (!npos)
		return 0;
	return copy(a->arg, sizeof(a->arg), pos[0], "argument", err, errlen);
}

int sim_action_parse(const char *line, unsigned lineno, struct sim_action *a,
		     char *err, size_t errlen)
{
	static char words[MAX_WORDS][WORD_MAX];
	char pos[2][WORD_MAX];
	const struct verb *v = NULL;
	int n, i, npos = 0;
	size_t k;

	if (split(line, words, &n, err, errlen))
		return -1;
	if (!n)
		return 1;
	for (k = 0; k < sizeof(verbs) / sizeof(verbs[0]); k++)
		if (!strcmp(words[0], verbs[k].name))
			v = &verbs[k];
	if (!v) {
		snprintf(err, errlen, "unknown action '%.64s'", words[0]);
		return -1;
	}
	memset(a, 0, sizeof(*a));
	a->type = v->type;
	a->line = lineno;
	a->cause = -1;
	a->count = 1;
	a->gap_ms = 1000;
	a->ecm = true;
	a->ton = a->npi = a->pres = a->screen = -1;
	a->called_ton = a->called_npi = a->reason = -1;
	for (i = 1; i < n; i++) {
		char *eq = strchr(words[i], '=');

		if (!eq) {
			if (a->nmatch || npos == v->max_pos) {
				snprintf(err, errlen,
					 "%s: unexpected word '%.64s'", v->name,
					 words[i]);
				return -1;
			}
			strcpy(pos[npos++], words[i]);
			continue;
		}
		*eq = 0;
		if (eq == words[i] || !key_allowed(v, words[i])) {
			snprintf(err, errlen, "%s: unknown option '%.32s='",
				 v->name, words[i]);
			return -1;
		}
		if (set_key(a, words[i], eq + 1, err, errlen))
			return -1;
	}
	if (npos < v->min_pos) {
		snprintf(err, errlen, "%s: missing argument", v->name);
		return -1;
	}
	return set_pos(a, pos, npos, err, errlen) ? -1 : 0;
}

int sim_script_add(struct sim_script *s, const struct sim_action *a)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		struct sim_action *na = realloc(s->acts, cap * sizeof(*na));

		if (!na)
			return ENOMEM;
		s->acts = na;
		s->cap = cap;
	}
	s->acts[s->n++] = *a;
	return 0;
}

int sim_script_load(const char *path, struct sim_script *s,
		    sim_script_check_fn *check, FILE *errf)
{
	char line[1024], err[600];
	struct sim_action a;
	unsigned lineno = 0;
	int bad = 0, rc;
	FILE *f = fopen(path, "r");

	memset(s, 0, sizeof(*s));
	if (!f) {
		rc = errno;
		fprintf(errf, "%s: %s\n", path, strerror(rc));
		return rc;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);

		lineno++;
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			int c;

			fprintf(errf,
				"%s:%u: line longer than %zu characters\n",
				path, lineno, sizeof(line) - 2);
			bad++;
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		rc = sim_action_parse(line, lineno, &a, err, sizeof(err));
		if (rc == 0 && check && check(&a, err, sizeof(err)))
			rc = -1;
		if (rc < 0) {
			if (len && line[len - 1] == '\n')
				line[len - 1] = 0;
			fprintf(errf, "%s:%u: %s: %s\n", path, lineno, err,
				line);
			bad++;
		} else if (rc == 0 && sim_script_add(s, &a)) {
			fprintf(errf, "%s: out of memory\n", path);
			bad++;
			break;
		}
	}
	fclose(f);
	if (bad) {
		sim_script_release(s);
		return EINVAL;
	}
	return 0;
}

void sim_script_release(struct sim_script *s)
{
	free(s->acts);
	memset(s, 0, sizeof(*s));
}

/* The value of key in an event line, unquoted, into buf; false if absent. */
static bool field(const char *line, const char *key, char *buf, size_t cap)
{
	size_t kl = strlen(key);
	const char *p = line;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, key, kl) && p[kl] == '=') {
			const char *v = p + kl + 1;
			size_t n = 0;

			if (*v == '"') {
				v++;
				while (v[n] && v[n] != '"')
					n++;
			} else {
				while (v[n] && v[n] != ' ')
					n++;
			}
			if (n >= cap)
				return false;
			memcpy(buf, v, n);
			buf[n] = 0;
			return true;
		}
		/* skip this word, quotes included */
		{
			bool q = false;

			while (*p && (q || *p != ' ')) {
				if (*p == '"')
					q = !q;
				p++;
			}
		}
	}
	return false;
}

bool sim_event_matches(const struct sim_action *a, const char *line)
{
	char val[SIM_VAL_MAX];
	unsigned i;

	for (i = 0; i < a->nmatch; i++)
		if (!field(line, a->match[i].key, val, sizeof(val)) ||
		    strcmp(val, a->match[i].val))
			return false;
	return true;
}
