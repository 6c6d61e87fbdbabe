"""The ceiling for a single POST: a bare DRF create on the same stack.

Same gunicorn, middleware, API-key authentication, throttle, JSON parser and PostgreSQL as
`POST /api/v1/candidates/`, but it only validates four fields and INSERTs one candidate row:
what any create endpoint of this framework costs on this machine. Mounted by bench.settings only.
"""

from rest_framework import generics, serializers

from candidates.models import Candidate


class BareCandidate(serializers.ModelSerializer):
    class Meta:
        model = Candidate
        fields = ("id", "external_id", "full_name", "email", "phone")


class BareCreateView(generics.CreateAPIView):
    serializer_class = BareCandidate

    def perform_create(self, serializer):
        serializer.save(client=self.request.user)
