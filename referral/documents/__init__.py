"""Documents of a case: identity papers, decision letters, medical letters, evidence, consent
forms, correspondence. Checked by content, stripped of hidden metadata, sealed at rest in
chunks with a fresh data key per version, streamed back, and every view and download
audited."""
