"""The bulk erase an admin would script with the official Python SDK (`iblai` on PyPI).

Per user, in a pool of threads: retrieve the memory (404: nothing to erase), keep it in a
backup file, destroy it, retrieve again and expect 404. Any other answer is an error and
the run exits non-zero, so a fast run cannot hide failures.

    python sdk_purge.py BASE_URL ORG USERS_FILE BACKUP_DIR THREADS

The key comes from IBL_API_KEY (never from argv). Prints one JSON line: the counts, and
the loop's wall and CPU seconds (the SDK's import, seconds of CPU, is left out).
"""

import json
import os
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from iblai.api.ai_prompt_api import AiPromptApi
from iblai.api_client import ApiClient
from iblai.configuration import Configuration


def main():
    base, org, users_file, backup_dir, threads = sys.argv[1:6]
    threads = int(threads)
    config = Configuration(
        host=base,
        api_key={"PlatformApiKeyAuthentication": os.environ["IBL_API_KEY"]},
        # The SDK's helper says "Api-Token"; ibl-data-manager and the mock want "Api-Key".
        api_key_prefix={"PlatformApiKeyAuthentication": "Api-Key"},
    )
    # urllib3 keeps cpu_count * 5 connections by default: give every thread its own.
    config.connection_pool_maxsize = threads
    api = AiPromptApi(ApiClient(config))
    with open(users_file, encoding="utf-8") as f:
        users = [line.rstrip("\n") for line in f if line.strip()]

    def erase(user):
        # These SDK calls answer the raw HTTP response (urllib3) for every status.
        memory = api.ai_prompt_orgs_users_all_chats_memory_retrieve(org, user)
        if memory.status == 404:
            return "empty"
        if memory.status != 200:
            raise RuntimeError(f"GET {user}: HTTP {memory.status}")
        with open(os.path.join(backup_dir, user + ".json"), "wb") as out:
            out.write(memory.data)
        gone = api.ai_prompt_orgs_users_all_chats_memory_destroy(org, user)
        if gone.status not in (200, 204):
            raise RuntimeError(f"DELETE {user}: HTTP {gone.status}")
        again = api.ai_prompt_orgs_users_all_chats_memory_retrieve(org, user)
        if again.status != 404:
            raise RuntimeError(f"{user}: memory still there after DELETE (HTTP {again.status})")
        return "done"

    # Importing the SDK costs seconds of CPU; only the loop is timed, as a long job would see.
    before, t0 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcomes = list(pool.map(erase, users))
    after, t1 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    result = {o: outcomes.count(o) for o in ("done", "empty")}
    result.update(
        wall=t1 - t0,
        user=after.ru_utime - before.ru_utime,
        sys=after.ru_stime - before.ru_stime,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
