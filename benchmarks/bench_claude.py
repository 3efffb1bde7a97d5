"""Claude brain against a local fake API that sleeps 1 s per call: fan-out, caching, cost.

Bars (BRIEF): a panel round (three probes gathered) takes at most 1.3x one call, against
about 3x when sequential; from the second call of an interview on, cache reads are at least
half of the input tokens. The fake counts about four characters a token and caches by the
request's cache_control prefixes, writing when a response starts, so parallel first calls
all miss, as they would on the real API.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from agents.brains.claude import ClaudeBrain
from agents.debrief import CallUsage, PanelVote
from agents.transcript import Turn
from benchmarks import write_results
from knowledge.loader import load_panel, load_questions, load_rubric
from knowledge.models import Panel, Question
from tests.agents.brains.claude.helpers import WEAK_ANSWER, claude_config, make_brain
from tests.agents.brains.interview import Interview
from tests.fake_anthropic import FakeAnthropic, FakeAnthropicServer, PanelResponder

CALL_SLEEP_S = 1.0
REPEATS = 5
SEQUENTIAL_REPEATS = 3
REPLY = (
    "The gold set would be two thousand tickets labelled by two senior agents, and we would "
    "route easy intents to a small model and escalate low-confidence ones to a person."
)


def _input_tokens(call: CallUsage) -> int:
    return call.input_tokens + call.cache_creation_input_tokens + call.cache_read_input_tokens


def _read_share(calls: list[CallUsage]) -> float:
    total = sum(_input_tokens(c) for c in calls)
    return sum(c.cache_read_input_tokens for c in calls) / total if total else 0.0


async def _timed(coro: Any) -> float:
    started = time.perf_counter()
    await coro
    return time.perf_counter() - started


async def _interview(
    claude: ClaudeBrain, panel: Panel, question: Question, answer: str
) -> list[CallUsage]:
    """Two rounds of three gathered probes, three gathered votes, one debrief."""
    brain = Interview(claude)
    transcript = [Turn(id="t1", speaker="candidate", text=answer)]
    for round_no in (1, 2):
        rounds = await asyncio.gather(
            *(brain.probe(p, question, transcript, round_no) for p in panel.panelists)
        )
        for probes in rounds:
            probe = probes[0]
            transcript.append(
                Turn(
                    id=f"t{len(transcript) + 1}",
                    speaker=probe.panelist,
                    text=probe.text,
                    round=round_no,
                    stage=probe.stage,
                    gap=probe.gap,
                )
            )
        transcript.append(
            Turn(id=f"t{len(transcript) + 1}", speaker="candidate", text=REPLY, round=round_no)
        )
    votes: list[PanelVote] = list(
        await asyncio.gather(*(brain.vote(p, question, transcript) for p in panel.panelists))
    )
    debrief = await brain.debrief(question, transcript, votes)
    if debrief.fallbacks:
        raise RuntimeError(f"unexpected fallback in the benchmark: {debrief.fallbacks}")
    return debrief.usage.calls


async def _run(server: FakeAnthropicServer, fake: FakeAnthropic) -> dict[str, Any]:
    panel, question = load_panel(), load_questions().get("support-bot-deflection")
    brain = make_brain(server.client(), config=claude_config(timeouts={"probe_s": 30}))
    first = [Turn(id="t1", speaker="candidate", text=WEAK_ANSWER)]
    interviewer = panel.get("interviewer")

    await brain.probe(interviewer, question, first, 1)  # warm connections and caches
    single = [await _timed(brain.probe(interviewer, question, first, 1)) for _ in range(REPEATS)]
    parallel = []
    for _ in range(REPEATS):
        fake.max_in_flight = 0
        parallel.append(
            await _timed(
                asyncio.gather(*(brain.probe(p, question, first, 1) for p in panel.panelists))
            )
        )
    in_flight = fake.max_in_flight

    async def sequential_round() -> None:
        for p in panel.panelists:
            await brain.probe(p, question, first, 1)

    sequential = [await _timed(sequential_round()) for _ in range(SEQUENTIAL_REPEATS)]

    fake.reset_cache()
    cold = await _interview(brain, panel, question, WEAK_ANSWER + " (interview A)")
    warm = await _interview(brain, panel, question, WEAK_ANSWER + " (interview B)")

    one_call = statistics.median(single)
    return {
        "call_sleep_s": CALL_SLEEP_S,
        "one_call_median_s": round(one_call, 3),
        "round_parallel_median_s": round(statistics.median(parallel), 3),
        "round_sequential_median_s": round(statistics.median(sequential), 3),
        "round_parallel_ratio": round(statistics.median(parallel) / one_call, 3),
        "round_sequential_ratio": round(statistics.median(sequential) / one_call, 3),
        "max_requests_in_flight": in_flight,
        "calls_per_interview": len(cold),
        "cache_read_share_from_second_call": round(_read_share(cold[1:]), 3),
        "cache_read_share_warm_interview": round(_read_share(warm), 3),
        "per_call_cache_read_share": [round(_read_share([c]), 3) for c in cold],
        "cost_per_interview_cold_usd": round(sum(c.cost_usd for c in cold), 5),
        "cost_per_interview_warm_usd": round(sum(c.cost_usd for c in warm), 5),
        "models": sorted({c.model for c in cold}),
    }


def main() -> None:
    """Run the benchmark, print medians and ratios, save benchmarks/results/claude.json."""
    fake = FakeAnthropic(sleep_s=CALL_SLEEP_S, responder=PanelResponder(load_rubric()))
    with FakeAnthropicServer(fake) as server:
        results = asyncio.run(_run(server, fake))
    print(f"one call (median of {REPEATS}):          {results['one_call_median_s']:.3f} s")
    print(
        f"panel round, 3 probes gathered:        {results['round_parallel_median_s']:.3f} s "
        f"= {results['round_parallel_ratio']:.2f}x one call (bar <= 1.3x); "
        f"{results['max_requests_in_flight']} requests in flight"
    )
    print(
        f"panel round, sequential:               {results['round_sequential_median_s']:.3f} s "
        f"= {results['round_sequential_ratio']:.2f}x one call"
    )
    print(
        f"cache reads / input, calls 2..{results['calls_per_interview']}:     "
        f"{results['cache_read_share_from_second_call']:.0%} (bar >= 50%); "
        f"warm interview: {results['cache_read_share_warm_interview']:.0%}"
    )
    print(f"per-call cache-read share (cold):      {results['per_call_cache_read_share']}")
    print(
        f"cost per interview ({results['calls_per_interview']} calls, "
        f"{', '.join(results['models'])}): cold ${results['cost_per_interview_cold_usd']:.4f}, "
        f"warm ${results['cost_per_interview_warm_usd']:.4f}"
    )
    path = write_results("claude", results)
    print(f"saved {path}")


if __name__ == "__main__":
    main()
