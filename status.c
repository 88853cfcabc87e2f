/* status.c: /state and /metrics from a read-only view of the hub and the
 * connections. */
#include <stdio.h>

#include "auth.h"
#include "camera.h"
#include "conn.h"
#include "hub.h"
#include "status.h"
#include "stream.h"

static int streaming(const struct conn *c)
{
	return c->st && c->st->kind != ST_SNAPSHOT && c->phase == PH_STREAM;
}

static void source_json(struct obuf *b, const struct hub_stats *hs)
{
	obuf_printf(b, "\"source\":{\"name\":");
	obuf_json_str(b, hs->info.name);
	obuf_printf(b, ",\"format\":");
	obuf_json_str(b, hs->info.format);
	obuf_printf(b, ",\"subsampling\":");
	obuf_json_str(b, hs->info.subsampling);
	obuf_printf(b, ",\"w\":%d,\"h\":%d,\"fps\":%d,\"signal\":%s,"
		    "\"fps_produced\":%.1f,\"seq\":%llu,\"dropped\":%llu,"
		    "\"encoded\":%llu,\"frames_alive\":%ld}", hs->info.w,
		    hs->info.h, hs->info.fps, hs->source_ok ? "true" : "false",
		    hs->fps, (unsigned long long)hs->seq,
		    (unsigned long long)hs->dropped,
		    (unsigned long long)hs->encoded, hs->frames_alive);
}

/* The rungs being encoded, and which asked rungs each one serves. */
static void encoder_json(struct obuf *b, const struct hub_stats *hs)
{
	int i, j, first = 1;

	if (hs->max_rungs)
		obuf_printf(b, "\"max_rungs\":%d,", hs->max_rungs);
	else
		obuf_printf(b, "\"max_rungs\":\"auto\",\"budget_ms_per_s\":%.0f,"
			    "\"budget_why\":\"%s\",", hs->budget_ms,
			    hs->budget_why);
	obuf_printf(b, "\"busy\":%.3f,\"encoder\":[", hs->busy);
	for (i = 0; i < RUNG_N; i++) {
		const struct hub_rung_stats *r = &hs->rung[i];
		int more = 0;

		if (!r->encoded)
			continue;
		obuf_printf(b, "%s{\"rung\":\"%s\",\"quality\":%d,\"half\":%s,"
			    "\"scale\":%d,"
			    "\"clients\":%d,\"encode_ms\":%.2f,\"bytes\":%.0f,"
			    "\"frames\":%llu,\"serves\":[", first ? "" : ",",
			    rung_name(i), rung_q(i),
			    rung_scale(i) == 1 ? "true" : "false",
			    1 << rung_scale(i), r->need,
			    r->enc_ms, r->bytes,
			    (unsigned long long)r->frames);
		for (j = 0; j < RUNG_N; j++)
			if (j != i && hs->rung[j].need > 0 &&
			    hs->serve[j] == i)
				obuf_printf(b, "%s\"%s\"", more++ ? "," : "",
					    rung_name(j));
		obuf_printf(b, "]}");
		first = 0;
	}
	obuf_printf(b, "],\"merged\":[");
	for (i = 0, first = 1; i < RUNG_N; i++) {
		if (hs->rung[i].need <= 0 || hs->rung[i].encoded)
			continue;
		obuf_printf(b, "%s{\"rung\":\"%s\",\"clients\":%d,"
			    "\"served\":\"%s\"}", first ? "" : ",",
			    rung_name(i), hs->rung[i].need,
			    rung_name(hs->serve[i]));
		first = 0;
	}
	obuf_printf(b, "]");
}

static void client_json(struct obuf *b, const struct conn *c, int full)
{
	const struct stream *st = c->st;
	int r = st->rung >= 0 ? st->rung : st->want;

	obuf_printf(b, "{");
	if (full) {
		obuf_printf(b, "\"peer\":");
		obuf_json_str(b, c->peer.text);
		obuf_printf(b, ",\"client\":");
		obuf_json_str(b, c->client.addr);
		obuf_printf(b, ",\"user\":");
		obuf_json_str(b, c->st ? c->st->who.name : "");
		obuf_printf(b, ",");
	}
	obuf_printf(b, "\"kind\":\"%s\",\"mode\":\"%s\",\"asked\":\"%s\","
		    "\"rung\":\"%s\",\"quality\":%d,\"half\":%s,\"scale\":%d,"
		    "\"fps\":%.1f,"
		    "\"kbps\":%.0f,\"latency_ms\":%.1f,\"frames\":%llu,"
		    "\"skipped\":%llu,\"bytes\":%llu,\"seconds\":%.0f",
		    stream_kind_name(st), st->is_auto ? "auto" : "fixed",
		    rung_name(st->ask), rung_name(r),
		    r >= 0 ? rung_q(r) : 0,
		    r >= 0 && rung_scale(r) == 1 ? "true" : "false",
		    1 << rung_scale(r), st->fps,
		    st->kbps, st->age_ms,
		    (unsigned long long)c->msgs_sent,
		    (unsigned long long)c->msgs_replaced,
		    (unsigned long long)c->bytes,
		    (double)(c->env->now - c->t_start) / 1e6);
	if (st->view_w)
		obuf_printf(b, ",\"view\":\"%dx%d\"", st->view_w,
			    st->view_h);
	if (st->capped)
		obuf_printf(b, ",\"address_capped\":true");
	obuf_printf(b, ",\"bw_kbps\":%.0f,\"rtt_ms\":%.1f", st->ad.cap_bps /
		    1000, st->rtt_ms);
	if (st->is_auto)
		obuf_printf(b, ",\"why\":\"%s\"", st->ad.why);
	obuf_printf(b, "}");
}

/* Where the budget went on a camera: the rungs it encodes, the rungs
 * asked for and merged, and what its encoding costs a second. */
static void budget_share_json(struct obuf *b, const struct hub_stats *hs)
{
	double ms = 0;
	int r, first = 1;

	obuf_printf(b, ",\"encoding\":[");
	for (r = 0; r < RUNG_N; r++) {
		if (!hs->rung[r].encoded)
			continue;
		obuf_printf(b, "%s\"%s\"", first ? "" : ",", rung_name(r));
		ms += hs->rung[r].enc_ms * hs->fps;
		first = 0;
	}
	obuf_printf(b, "],\"merged\":%d,\"encode_ms_per_s\":%.0f", hs->merged,
		    ms);
}

/* The cameras in seen (a bit per camera index), as /state lists them. */
static void cameras_json(const struct conn_env *env, unsigned seen,
			 struct obuf *b)
{
	struct hub_stats hs;
	int i, first = 1;

	obuf_printf(b, ",\"cameras\":[");
	for (i = 0; i < env->ncams; i++) {
		if (!(seen >> i & 1))
			continue;
		hub_get_stats(env->cams[i].hub, &hs);
		obuf_printf(b, "%s{\"name\":\"%s\",\"path\":\"c/%s/\",",
			    first ? "" : ",", env->cams[i].name,
			    env->cams[i].name);
		source_json(b, &hs);
		budget_share_json(b, &hs);
		obuf_printf(b, "}");
		first = 0;
	}
	obuf_printf(b, "]");
}

void status_state(const struct conn_env *env, const struct camera *cam,
		  unsigned seen, int all, struct obuf *b, int full)
{
	struct hub_stats hs;
	int i, first = 1;

	hub_get_stats(cam->hub, &hs);
	obuf_printf(b, "{\"camera\":\"%s\",", cam->name);
	source_json(b, &hs);
	obuf_printf(b, ",");
	encoder_json(b, &hs);
	obuf_printf(b, ",\"ladder\":[");
	for (i = 0; i < adapt_nladder; i++)
		obuf_printf(b, "%s{\"rung\":\"%s\",\"bytes\":%.0f}",
			    i ? "," : "", rung_name(adapt_ladder[i]),
			    hs.rung[adapt_ladder[i]].bytes);
	obuf_printf(b, "],\"uptime_s\":%.0f,\"connections\":%d,"
		    "\"clients_total\":%llu,\"clients\":[",
		    (double)(env->now - env->started) / 1e6, env->nconns,
		    (unsigned long long)env->total_clients);
	for (i = 0; i < env->nconns; i++) {
		const struct conn *c = env->conns[i];

		if (!streaming(c) || (all ? !(seen >> c->st->cam->index & 1)
				      : c->st->cam != cam))
			continue;
		if (!first)
			obuf_printf(b, ",");
		client_json(b, c, full);
		first = 0;
	}
	obuf_printf(b, "]");
	if (all)
		cameras_json(env, seen, b);
	obuf_printf(b, "}\n");
}

/* A camera's label, as every per-camera metric carries it. */
#define CAM "{camera=\"%s\"}"

void status_metrics(const struct conn_env *env, struct obuf *b)
{
	struct hub_stats hs[CAMERA_MAX];
	int i, k, streams = 0;

	for (k = 0; k < env->ncams; k++)
		hub_get_stats(env->cams[k].hub, &hs[k]);
	for (i = 0; i < env->nconns; i++)
		streams += streaming(env->conns[i]);
	obuf_printf(b, "# TYPE rerocctv_connections gauge\n"
		    "rerocctv_connections %d\n"
		    "# TYPE rerocctv_streams gauge\n"
		    "rerocctv_streams %d\n", env->nconns, streams);
	obuf_printf(b, "# TYPE rerocctv_source_fps gauge\n");
	for (k = 0; k < env->ncams; k++)
		obuf_printf(b, "rerocctv_source_fps" CAM " %.2f\n",
			    env->cams[k].name, hs[k].fps);
	obuf_printf(b, "# TYPE rerocctv_source_signal gauge\n");
	for (k = 0; k < env->ncams; k++)
		obuf_printf(b, "rerocctv_source_signal" CAM " %d\n",
			    env->cams[k].name, hs[k].source_ok);
	obuf_printf(b, "# TYPE rerocctv_source_frames_total counter\n");
	for (k = 0; k < env->ncams; k++)
		obuf_printf(b, "rerocctv_source_frames_total" CAM " %llu\n",
			    env->cams[k].name,
			    (unsigned long long)hs[k].seq);
	obuf_printf(b, "# TYPE rerocctv_rungs_merged gauge\n");
	for (k = 0; k < env->ncams; k++)
		obuf_printf(b, "rerocctv_rungs_merged" CAM " %d\n",
			    env->cams[k].name, hs[k].merged);
	obuf_printf(b, "# TYPE rerocctv_encoded_frames_total counter\n");
	for (k = 0; k < env->ncams; k++)
		for (i = 0; i < RUNG_N; i++)
			if (hs[k].rung[i].frames)
				obuf_printf(b, "rerocctv_encoded_frames_total"
					    "{camera=\"%s\",rung=\"%s\"} "
					    "%llu\n", env->cams[k].name,
					    rung_name(i), (unsigned long long)
					    hs[k].rung[i].frames);
	obuf_printf(b, "# TYPE rerocctv_encode_ms gauge\n");
	for (k = 0; k < env->ncams; k++)
		for (i = 0; i < RUNG_N; i++)
			if (hs[k].rung[i].frames)
				obuf_printf(b, "rerocctv_encode_ms{camera="
					    "\"%s\",rung=\"%s\"} %.3f\n",
					    env->cams[k].name, rung_name(i),
					    hs[k].rung[i].enc_ms);
	obuf_printf(b, "# TYPE rerocctv_frames_alive gauge\n"
		    "rerocctv_frames_alive %ld\n", hs[0].frames_alive);
	if (env->auth)
		obuf_printf(b, "# TYPE rerocctv_password_checks_total "
			    "counter\nrerocctv_password_checks_total %llu\n",
			    (unsigned long long)auth_checks(env->auth));
}
