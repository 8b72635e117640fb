-- A SQLite database written by monitor 0.1 (schema version 1, before delivery claims and
-- digest keys), with one digest owed by email in Bcc: the migration test upgrades it.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE schema_version (
	version INTEGER NOT NULL, 
	applied DATETIME NOT NULL, 
	PRIMARY KEY (version)
);
INSERT INTO schema_version VALUES(1,'2026-11-30 20:38:37.257691');
CREATE TABLE feeds (
	id INTEGER NOT NULL, 
	name TEXT NOT NULL, 
	config_url TEXT NOT NULL, 
	url TEXT NOT NULL, 
	etag TEXT, 
	last_modified TEXT, 
	content_hash TEXT, 
	failures INTEGER NOT NULL, 
	last_error TEXT, 
	last_success DATETIME, 
	next_check DATETIME, 
	disabled BOOLEAN NOT NULL, 
	failing_since DATETIME, 
	last_new DATETIME, 
	usual_gap FLOAT, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);
CREATE TABLE articles (
	id INTEGER NOT NULL, 
	"key" VARCHAR(64) NOT NULL, 
	url TEXT, 
	guid TEXT, 
	title TEXT NOT NULL, 
	text TEXT NOT NULL, 
	source TEXT NOT NULL, 
	author TEXT, 
	published DATETIME, 
	updated DATETIME, 
	language TEXT, 
	feed TEXT NOT NULL, 
	content_hash VARCHAR(64) NOT NULL, 
	fingerprint VARCHAR(64), 
	first_seen DATETIME NOT NULL, 
	last_seen DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE ("key")
);
INSERT INTO articles VALUES(1,'k1','https://example.org/a/1',NULL,'Babaryka moved','Viktar Babaryka was moved.','RFE/RL',NULL,'2026-11-20 07:00:00.000000',NULL,'en','rferl','h1',NULL,'2026-11-20 07:00:00.000000','2026-11-20 07:00:00.000000');
CREATE TABLE article_sources (
	id INTEGER NOT NULL, 
	article_id INTEGER NOT NULL, 
	feed TEXT NOT NULL, 
	source TEXT NOT NULL, 
	url TEXT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (article_id, source, url), 
	FOREIGN KEY(article_id) REFERENCES articles (id)
);
INSERT INTO article_sources VALUES(1,1,'rferl','RFE/RL','https://example.org/a/1');
CREATE TABLE matches (
	id INTEGER NOT NULL, 
	article_id INTEGER NOT NULL, 
	rule_id TEXT NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	name TEXT NOT NULL, 
	evidence TEXT NOT NULL, 
	created DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (article_id, rule_id), 
	FOREIGN KEY(article_id) REFERENCES articles (id)
);
INSERT INTO matches VALUES(1,1,'babaryka','person','Viktar Babaryka','[]','2026-11-20 07:00:00.000000');
CREATE TABLE digests (
	id INTEGER NOT NULL, 
	route TEXT NOT NULL, 
	subject TEXT NOT NULL, 
	text TEXT NOT NULL, 
	html TEXT NOT NULL, 
	created DATETIME NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO digests VALUES(1,'desk','monitor: 1 new mention','t','<p>h</p>','2026-11-20 07:00:00.000000');
CREATE TABLE digest_items (
	digest_id INTEGER NOT NULL, 
	route TEXT NOT NULL, 
	match_id INTEGER NOT NULL, 
	PRIMARY KEY (route, match_id), 
	FOREIGN KEY(digest_id) REFERENCES digests (id), 
	FOREIGN KEY(match_id) REFERENCES matches (id)
);
INSERT INTO digest_items VALUES(1,'desk',1);
CREATE TABLE deliveries (
	id INTEGER NOT NULL, 
	digest_id INTEGER NOT NULL, 
	channel VARCHAR(32) NOT NULL, 
	target TEXT NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	attempts INTEGER NOT NULL, 
	next_attempt DATETIME, 
	last_error TEXT, 
	created DATETIME NOT NULL, 
	sent_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE (digest_id, channel, target), 
	FOREIGN KEY(digest_id) REFERENCES digests (id)
);
INSERT INTO deliveries VALUES(1,1,'email-bcc','a@example.org, b@example.org','pending',1,'2026-11-20 07:00:00.000000','451 try later','2026-11-20 07:00:00.000000',NULL);
CREATE TABLE disabled_endpoints (
	channel VARCHAR(32) NOT NULL, 
	target TEXT NOT NULL, 
	reason TEXT NOT NULL, 
	since DATETIME NOT NULL, 
	PRIMARY KEY (channel, target)
);
CREATE INDEX ix_articles_first_seen ON articles (first_seen);
CREATE INDEX ix_articles_fingerprint ON articles (fingerprint);
CREATE INDEX ix_deliveries_status ON deliveries (status);
COMMIT;
