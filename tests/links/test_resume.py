from checks.links.check import LinkCheck
from checks.links.resume import bands, jaccard, shared_lines, shingles, similarity

TEMPLATE = """{name}
Curriculum Vitae
Professional Summary
{summary}
Work Experience
{job1}
{job2}
Education
{edu}
Skills
{skills}
References available upon request
"""

ANNA = dict(
    name="Anna Maria Eriksson",
    summary="Backend engineer with eight years of experience building payment systems in "
    "Python and Go for European fintech companies.",
    job1="Led the migration of a monolithic billing service to event driven microservices "
    "processing four million invoices a month at Klarna.",
    job2="Designed the fraud scoring pipeline that cut chargebacks by a third while keeping "
    "checkout latency under fifty milliseconds.",
    edu="MSc Computer Science, KTH Royal Institute of Technology, Stockholm.",
    skills="Python, Go, PostgreSQL, Kafka, Kubernetes, Terraform, observability with Grafana.",
)
OTHER = dict(
    name="Tomasz Nowak",
    summary="Mobile developer focused on accessible Android apps for public transport "
    "operators and city governments across Poland.",
    job1="Built the ticketing app used by two hundred thousand Warsaw commuters every day, "
    "written in Kotlin with offline first synchronisation.",
    job2="Introduced screen reader testing to the release process and trained twelve "
    "engineers in inclusive design practices.",
    edu="BSc Software Engineering, Warsaw University of Technology.",
    skills="Kotlin, Java, Jetpack Compose, Firebase, GitHub Actions, accessibility audits.",
)


def _reworded(fields: dict) -> dict:
    copy = dict(fields, name="John Smith")
    copy["summary"] = copy["summary"].replace("eight", "nine").replace("European", "Nordic")
    copy["job2"] = copy["job2"].replace("a third", "forty percent")
    return copy


def test_a_reworded_copy_is_above_the_threshold_and_shares_lsh_bands():
    a, b = TEMPLATE.format(**ANNA), TEMPLATE.format(**_reworded(ANNA))
    assert jaccard(shingles(a), shingles(b)) >= LinkCheck.Params().resume_min_jaccard
    assert set(bands(a)) & set(bands(b))


def test_a_different_resume_on_the_same_template_shares_nothing():
    a, b = TEMPLATE.format(**ANNA), TEMPLATE.format(**OTHER)
    assert jaccard(shingles(a), shingles(b)) == 0.0
    assert not set(bands(a)) & set(bands(b))


def test_boilerplate_alone_yields_no_keys():
    empty = TEMPLATE.format(name="X", summary="", job1="", job2="", edu="", skills="")
    assert shingles(empty) == set()
    assert bands(empty) == []


def test_shared_lines_are_the_content_lines_behind_the_similarity():
    a, b = TEMPLATE.format(**ANNA), TEMPLATE.format(**_reworded(ANNA))
    marked = {line for line, hit in zip(a.splitlines(), shared_lines(a, b), strict=True) if hit}
    # Reworded lines still share most of their shingles; headings and the name never count.
    assert marked == {ANNA[k] for k in ("summary", "job1", "job2", "edu", "skills")}
    assert similarity(a, b) >= LinkCheck.Params().resume_min_jaccard
    other = TEMPLATE.format(**OTHER)
    assert not any(shared_lines(a, other)) and similarity(a, other) == 0.0
