#!/usr/bin/env python3
"""An amojo client written from the docs alone, sharing no code with the kit.

It signs exactly as chats-api.md section 2.1 describes (MD5 of the sent bytes, the five-line
canonical string, HMAC-SHA1) and uses the `GMT` date form some peers send, then walks every
endpoint and prints one JSON object of results for the test to check.
Usage: amojo_client.py BASE_URL CHANNEL_ID SECRET ACCOUNT_ID
"""
import email.utils
import hashlib
import hmac
import json
import sys
import time
import urllib.error
import urllib.request

BASE, CHANNEL, SECRET, ACCOUNT = sys.argv[1:5]


def call(method, path, body=None, secret=SECRET, date=None, md5_override=None, query=""):
    data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    md5 = md5_override or hashlib.md5(data).hexdigest()
    date = date or email.utils.formatdate(usegmt=True)
    canonical = "\n".join([method, md5, "application/json", date, path])
    signature = hmac.new(secret.encode(), canonical.encode(), hashlib.sha1).hexdigest()
    headers = {"Date": date, "Content-Type": "application/json", "Content-MD5": md5, "X-Signature": signature}
    request = urllib.request.Request(BASE + path + query, data=data if method != "GET" else None, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode("utf-8")
            return response.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as error:
        text = error.read().decode("utf-8")
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, text


def message(msgid, content, conversation="py-conv-1"):
    now = time.time()
    return {
        "event_type": "new_message",
        "payload": {
            "timestamp": int(now),
            "msec_timestamp": int(now * 1000),
            "msgid": msgid,
            "conversation_id": conversation,
            "sender": {"id": "py-user-1", "name": "Py Client", "profile": {"phone": "+15550100"}},
            "message": content,
            "silent": False,
        },
    }


media = "https://files.example.com/"
CONTENTS = {
    "text": {"type": "text", "text": "Hello from Python, привет"},
    "contact": {"type": "contact", "contact": {"name": "Ann", "phone": "+15550101"}},
    "file": {"type": "file", "media": media + "a.pdf", "file_name": "a.pdf", "file_size": 1024},
    "video": {"type": "video", "media": media + "a.mp4", "file_name": "a.mp4", "file_size": 2048},
    "picture": {"type": "picture", "media": media + "a.png", "file_name": "a.png", "file_size": 512},
    "voice": {"type": "voice", "media": media + "a.ogg"},
    "audio": {"type": "audio", "media": media + "a.mp3"},
    "sticker": {"type": "sticker", "media": media + "s.webp"},
    "location": {"type": "location", "location": {"lon": 37.6173, "lat": 55.7558}},
}

out = {}
status, body = call("POST", f"/v2/origin/custom/{CHANNEL}/connect", {"account_id": ACCOUNT, "title": "Py", "hook_api_version": "v2"})
out["connect"] = [status, body]
scope = body["scope_id"]
base = f"/v2/origin/custom/{scope}"

out["create_chat"] = list(call("POST", f"{base}/chats", {"conversation_id": "py-conv-1", "user": {"id": "py-user-1", "name": "Py Client"}}))
chat_id = out["create_chat"][1]["id"]

out["messages"] = {}
for index, (kind, content) in enumerate(CONTENTS.items()):
    out["messages"][kind] = list(call("POST", base, message(f"py-{index}", content)))

out["duplicate"] = list(call("POST", base, message("py-0", CONTENTS["text"])))
out["typing"] = list(call("POST", f"{base}/typing", {"conversation_id": "py-conv-1", "sender": {"id": "py-user-1"}}))
out["react"] = list(call("POST", f"{base}/react", {"conversation_id": "py-conv-1", "msgid": "py-0", "user": {"id": "py-user-1"}, "type": "react", "emoji": "👍"}))
out["history"] = list(call("GET", f"{base}/chats/{chat_id}/history", query="?offset=0&limit=50"))

amojo_id = out["messages"]["text"][1]["new_message"]["msgid"]
out["delivery_status"] = list(call("POST", f"{base}/{amojo_id}/delivery_status", {"msgid": amojo_id, "delivery_status": 2}))

typing = {"conversation_id": "py-conv-1", "sender": {"id": "py-user-1"}}
out["wrong_secret"] = call("POST", f"{base}/typing", typing, secret="0" * 40)[0]
stale = email.utils.formatdate(time.time() - 16 * 60, usegmt=True)
out["stale_date"] = call("POST", f"{base}/typing", typing, date=stale)[0]
out["wrong_md5"] = call("POST", f"{base}/typing", typing, md5_override=hashlib.md5(b"{}").hexdigest())[0]

out["disconnect"] = list(call("DELETE", f"/v2/origin/custom/{CHANNEL}/disconnect", {"account_id": ACCOUNT}))
out["after_disconnect"] = call("POST", f"{base}/typing", typing)[0]
print(json.dumps(out, ensure_ascii=False))
