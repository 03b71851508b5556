// The certificate verification page: checks an Open Badges 3.0 credential in the browser.
//
// Beside this file: jwks.json (the issuer's public keys), status-list.jwt (its signed
// revocation list) and credentials/SHA256(ID:CODE).jwt (each published credential).
// The credential's compact JWS (EdDSA) is checked with WebCrypto Ed25519, then the
// status list's own signature and the credential's bit in it, then its validity dates.
// The answer is one of: valid, not yet valid, expired, revoked, unknown, tampered --
// the words and precedence of `mesocourse verify --credential` (course/certification/offline.py).
"use strict";

class NotGenuine extends Error {}

const ENCODER = new TextEncoder();

function base64urlBytes(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new NotGenuine("not base64url");
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function jsonOf(part) {
  const value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(base64urlBytes(part)));
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new NotGenuine("not a JSON object");
  return value;
}

// The payload of a compact JWS signed (EdDSA, Ed25519) by a key of `jwks`; NotGenuine otherwise.
async function verifySigned(token, jwks) {
  const parts = token.trim().split(".");
  if (parts.length !== 3) throw new NotGenuine("not a compact JWS (three parts separated by '.')");
  let header, payload;
  try {
    header = jsonOf(parts[0]);
    payload = jsonOf(parts[1]);
  } catch (error) {
    throw new NotGenuine("its content cannot be read");
  }
  const jwk = (jwks.keys || []).find((key) => key.kid === header.kid);
  if (header.alg !== "EdDSA" || !jwk || jwk.crv !== "Ed25519") throw new NotGenuine("not signed with a key of this issuer");
  const key = await crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, { name: "Ed25519" }, false, ["verify"]);
  let signature;
  try {
    signature = base64urlBytes(parts[2]);
  } catch (error) {
    throw new NotGenuine("its signature cannot be read");
  }
  const genuine = await crypto.subtle.verify({ name: "Ed25519" }, key, signature, ENCODER.encode(`${parts[0]}.${parts[1]}`));
  if (!genuine) throw new NotGenuine("the signature does not match its content");
  return payload;
}

// Whether bit `index` of a Bitstring Status List's encodedList ("u" + base64url of GZIP) is set.
async function listBit(encoded, index) {
  if (!encoded.startsWith("u")) throw new Error("the status list is not multibase base64url");
  const stream = new Blob([base64urlBytes(encoded.slice(1))]).stream().pipeThrough(new DecompressionStream("gzip"));
  const bits = new Uint8Array(await new Response(stream).arrayBuffer());
  if (index >= bits.length * 8) throw new Error(`index ${index} is beyond the status list`);
  return (bits[index >> 3] & (0x80 >> (index % 8))) !== 0;
}

function normalisedCode(code) {
  return code.toUpperCase().replace(/[- ]/g, "");
}

// The published credential's file name: SHA-256 of "ID:CODE" (as course/certification/issuing.py names it).
async function publishedName(id, code) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", ENCODER.encode(`${id.trim()}:${normalisedCode(code)}`)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("") + ".jwt";
}

async function fetchText(url) {
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok) return null;
  return response.text();
}

// The verdict on `token` on `day` (YYYY-MM-DD): {status, credential, notes}.
async function verdictOn(token, jwks, statusList, day) {
  let credential;
  try {
    credential = await verifySigned(token, jwks);
  } catch (error) {
    if (error instanceof NotGenuine) return { status: "tampered", reason: error.message, notes: [] };
    throw error;
  }
  const types = credential.type || [];
  if (!types.includes("OpenBadgeCredential")) return { status: "tampered", reason: "signed, but not a certificate", notes: [] };
  const verdict = { status: "valid", credential, notes: [] };
  const from = String(credential.validFrom || "").slice(0, 10), until = String(credential.validUntil || "").slice(0, 10);
  if (day < from) verdict.status = "not yet valid";
  else if (day >= until) verdict.status = "expired";
  const entry = credential.credentialStatus || {};
  try {
    const list = await verifySigned(statusList, jwks);
    if (list.id !== entry.statusListCredential) throw new Error(`the status list here is ${list.id}, not ${entry.statusListCredential}`);
    if (await listBit(list.credentialSubject.encodedList, Number(entry.statusListIndex))) verdict.status = "revoked";
    verdict.notes.push(`Revocation checked against the issuer's status list signed ${list.validFrom}.`);
  } catch (error) {
    verdict.notes.push(`Revocation could not be checked: ${error.message}.`);
  }
  return verdict;
}

const HEADLINES = {
  valid: "Valid",
  expired: "Expired",
  revoked: "Revoked",
  "not yet valid": "Not yet valid",
  unknown: "Unknown",
  tampered: "Tampered: not genuine",
};

function explanation(verdict) {
  const c = verdict.credential || {};
  const issuer = (c.issuer || {}).name || "the issuer";
  const until = String(c.validUntil || "").slice(0, 10), from = String(c.validFrom || "").slice(0, 10);
  switch (verdict.status) {
    case "valid": return `This certificate was signed by ${issuer}, has not been changed since, has not been revoked, and is valid until ${until}.`;
    case "expired": return `This certificate is genuine and was not revoked, but its validity ended on ${until}. Ask for the renewed certificate.`;
    case "revoked": return `This certificate is genuine, but ${issuer} has revoked it. It no longer certifies anything.`;
    case "not yet valid": return `This certificate is genuine, but it is valid only from ${from}.`;
    case "unknown": return "No certificate with this ID and verification code is published here. Check both for typing errors (the code is printed under the QR code).";
    default: return `This file is not a genuine certificate of this issuer (${verdict.reason}): it was changed after it was signed, or someone else signed it. Do not rely on anything it says.`;
  }
}

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

// What the credential attests, as (label, lines) pairs.
function attested(c) {
  const subject = c.credentialSubject || {};
  const names = (subject.identifier || []).filter((i) => i.identityType === "name").map((i) => i.identityHash);
  const descriptions = Object.fromEntries(((subject.achievement || {}).resultDescription || []).map((d) => [d.id, d]));
  const levels = {};
  for (const d of Object.values(descriptions)) for (const level of d.rubricCriterionLevel || []) levels[level.id] = `${level.level} (${level.name})`;
  const results = (subject.result || []).map((r) => {
    const d = descriptions[r.resultDescription] || {};
    return `${d.name || "result"}: ${r.value || levels[r.achievedLevel] || "?"}${d.resultType === "Percent" ? "%" : ""}`;
  });
  const evidence = (genre) => (c.evidence || []).filter((e) => e.genre === genre).map((e) => `${e.name}: ${e.description}`);
  const extra = c.mesocourseCertificate || {};
  return [
    ["Awarded to", [names.join(", ") || "(no name)"]],
    ["Issued by", [`${(c.issuer || {}).name} (${(c.issuer || {}).url})`]],
    ["Valid", [`from ${String(c.validFrom).slice(0, 10)} until ${String(c.validUntil).slice(0, 10)}`]],
    ["Certificate", [`${extra.certificateId}, verification code ${extra.verificationCode}`]],
    ["Competencies and results", results],
    ["Observed practice", evidence("Observed practice")],
    ["Assessments", evidence("Assessment")],
    ["What this certificate is", [c.description || ""]],
  ];
}

function show(verdict, day) {
  const region = document.getElementById("result");
  region.replaceChildren();
  region.dataset.status = verdict.status;
  region.className = `result ${verdict.status.replace(/ /g, "-")}`;
  region.append(element("h2", `Result: ${HEADLINES[verdict.status]}`), element("p", explanation(verdict)));
  region.append(element("p", `Checked as on ${day}.`));
  if (verdict.credential) {
    const list = element("dl");
    for (const [label, lines] of attested(verdict.credential)) {
      list.append(element("dt", label));
      for (const line of lines.length ? lines : ["none"]) list.append(element("dd", line));
    }
    region.append(list);
  }
  for (const note of verdict.notes) region.append(element("p", note, { class: "note" }));
  region.focus();
}

async function publishedData() {
  const [jwks, statusList] = await Promise.all([fetchText("jwks.json"), fetchText("status-list.jwt")]);
  if (jwks === null) throw new Error("the issuer's public keys (jwks.json) are not published beside this page");
  return { jwks: JSON.parse(jwks), statusList: statusList || "" };
}

// The credential found must be the certificate asked for (a file put under another's name is not genuine).
function asked(verdict, expected) {
  const extra = (verdict.credential || {}).mesocourseCertificate || {};
  if (!expected || !verdict.credential) return verdict;
  if (extra.certificateId === expected.id.trim() && normalisedCode(String(extra.verificationCode)) === normalisedCode(expected.code)) return verdict;
  return { status: "tampered", reason: "the credential published under this ID and code is another certificate", notes: [] };
}

async function check(tokenFor, expected = null) {
  const params = new URLSearchParams(location.search);
  const day = /^\d{4}-\d{2}-\d{2}$/.test(params.get("date") || "") ? params.get("date") : new Date().toISOString().slice(0, 10);
  try {
    if (!(crypto && crypto.subtle)) throw new Error("this browser offers no WebCrypto here (open the page over https)");
    const data = await publishedData();
    const token = await tokenFor();
    show(token === null ? { status: "unknown", notes: [] } : asked(await verdictOn(token, data.jwks, data.statusList, day), expected), day);
  } catch (error) {
    const region = document.getElementById("result");
    region.replaceChildren(element("h2", "The check could not be done"), element("p", error.message));
    region.dataset.status = "error";
    region.focus();
  }
}

function byIdAndCode(id, code) {
  return async () => fetchText(`credentials/${await publishedName(id, code)}`);
}

window.addEventListener("DOMContentLoaded", () => {
  const params = new URLSearchParams(location.search);
  const id = params.get("id"), code = params.get("code");
  if (id) document.getElementById("certificate-id").value = id;
  if (code) document.getElementById("certificate-code").value = code;
  document.getElementById("credential-file").addEventListener("change", (event) => {
    const file = event.target.files[0];
    if (file) check(() => file.text());
  });
  if (id && code) check(byIdAndCode(id, code), { id, code });
});
