"""junit.xml: one test case per objective × phase instance and per invariant.

Failed objectives and violated invariants are <failure>; unmeasured objectives and the run's
invalid reasons are <error> (CI shows them as broken, never as passed); unknown invariants are
<skipped> unless an integrity objective made them errors already.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from reports.evaluate import Evaluation, fmt_value


def _case(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"classname": classname, "name": name, "time": "0"})


def _objectives(ev: Evaluation, root: ET.Element) -> None:
    suite = ET.SubElement(root, "testsuite", {"name": "peakdrill.slo"})
    for r in ev.results:
        case = _case(suite, f"slo.{r.objective.phase}", r.test_name)
        value = fmt_value(r.objective.metric, r.value)
        band = fmt_value(r.objective.metric, r.objective.fail)
        if r.status == "fail":
            msg = f"{r.objective.metric} = {value}, fail band {band} ({r.detail})"
            ET.SubElement(case, "failure", {"message": msg, "type": "SloFailed"}).text = msg
        elif r.status == "unmeasured":
            msg = f"{r.objective.metric} was not measured: {r.detail}"
            ET.SubElement(case, "error", {"message": msg, "type": "Unmeasured"}).text = msg
        else:
            out = f"{r.objective.metric} = {value} ({r.status}; fail band {band})"
            ET.SubElement(case, "system-out").text = out


def _invariants(ev: Evaluation, root: ET.Element) -> None:
    suite = ET.SubElement(root, "testsuite", {"name": "peakdrill.integrity"})
    for inv in ev.invariants:
        case = _case(suite, "integrity", inv.name)
        evidence = json.dumps(inv.evidence[:50], default=str)
        if inv.status == "fail":
            msg = f"invariant {inv.name} violated: {len(inv.evidence)} item(s)"
            ET.SubElement(
                case, "failure", {"message": msg, "type": "InvariantViolated"}
            ).text = f"{msg}\n{evidence}"
        elif inv.status == "unknown":
            ET.SubElement(case, "skipped", {"message": f"invariant {inv.name} not checked"})


def _validity(ev: Evaluation, root: ET.Element) -> None:
    suite = ET.SubElement(root, "testsuite", {"name": "peakdrill.run"})
    case = _case(suite, "run", "run is valid")
    # objective-level unmeasured reasons have their own test cases; these are run-level
    for reason in ev.run_invalid:
        ET.SubElement(case, "error", {"message": reason, "type": "InvalidRun"}).text = reason


def _count(root: ET.Element) -> None:
    for suite in root.iter("testsuite"):
        cases = list(suite.iter("testcase"))
        suite.set("tests", str(len(cases)))
        for tag, attr in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
            suite.set(attr, str(sum(1 for c in cases if c.find(tag) is not None)))


def write_junit(ev: Evaluation, path: Path) -> None:
    """Write junit.xml for CI."""
    root = ET.Element("testsuites", {"name": f"peakdrill {ev.data.run_id}"})
    _validity(ev, root)
    _objectives(ev, root)
    _invariants(ev, root)
    _count(root)
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
