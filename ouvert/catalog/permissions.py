"""Who may see and change datasets. Built on ``ouvert.core.permissions``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ouvert.core import permissions as core
from ouvert.core.models import Organization, User

from .models import Dataset, DatasetRequest, DatasetState


def can_view_dataset(user: User | None, dataset: Dataset) -> bool:
    """Published public datasets are for everyone; drafts, private ones and the trash for members."""
    if dataset.state == DatasetState.ACTIVE and not dataset.private:
        return True
    return core.is_member_of(user, dataset.organization)


def can_edit_dataset(user: User | None, dataset: Dataset) -> bool:
    return dataset.state != DatasetState.DELETED and core.can_edit_in_organization(user, dataset.organization)


def can_manage_trash(user: User | None, organization: Organization) -> bool:
    return core.can_manage_organization(user, organization)


def check_edit_dataset(user: User | None, dataset: Dataset) -> None:
    if dataset.state == DatasetState.DELETED:
        raise PermissionDenied(_("Ce jeu de données est dans la corbeille : restaurez-le avant de le modifier."))
    core.check_edit_in_organization(user, dataset.organization)


def check_manage_trash(user: User | None, organization: Organization) -> None:
    if not can_manage_trash(user, organization):
        raise PermissionDenied(_("Seuls les administrateurs de l'organisation peuvent restaurer ou purger."))


def can_answer_request(user: User | None, request: DatasetRequest) -> bool:
    return core.can_edit_in_organization(user, request.organization)


def check_signed_in(user: User | None) -> None:
    if not user or not user.is_authenticated:
        raise PermissionDenied(_("Connectez-vous pour faire cela."))
